import Testing

@testable import Render

@Suite("Jsonnet import scanning")
struct JsonnetImportsTests {
    @Test("imports are found in code, not in comments or strings")
    func scan() {
        let source = """
            // import 'commented.libsonnet'
            # import 'hashed.libsonnet'
            /* import 'block.libsonnet' */
            local a = import "a.libsonnet";
            local b = importstr @'b''s.txt';
            local c = 'import "not-an-import"';
            local d = |||
              import 'in-a-text-block'
            |||;
            local e = importbin /* comment */ 'e.bin';
            local f = import "f\\u0020\\"x\\".json";
            { imported: a }
            """
        #expect(
            JsonnetImports.scan(source) == [
                JsonnetImports.Import(keyword: "import", path: "a.libsonnet", line: 4),
                JsonnetImports.Import(keyword: "importstr", path: "b's.txt", line: 5),
                JsonnetImports.Import(keyword: "importbin", path: "e.bin", line: 10),
                JsonnetImports.Import(keyword: "import", path: "f \"x\".json", line: 11),
            ])
    }
}
