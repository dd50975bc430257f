import Foundation
import Health
import HealthScript
import MoorCore
import Testing

/// One row of a table: an object and the health the checks must give it.
struct ScriptCase: Sendable, CustomTestStringConvertible {
    let name: String
    let object: JSONValue
    let status: HealthStatus?
    let message: String?

    init(_ name: String, _ object: JSONValue, _ status: HealthStatus?, message: String? = nil) {
        self.name = name
        self.object = object
        self.status = status
        self.message = message
    }

    var testDescription: String { name }

    func check(_ scripts: HealthScripts, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let health = scripts.assess(object)
        #expect(health?.status == status, "\(health?.message ?? "no health")", sourceLocation: sourceLocation)
        if let message {
            #expect(
                health?.message.contains(message) == true, "message: \(health?.message ?? "none")",
                sourceLocation: sourceLocation)
        }
    }
}

@Suite("Lua health scripts: statuses")
struct HealthScriptStatusTests {
    static let checks = scripts([
        "example.com_Database": databaseScript, "certs.example.org_Certificate": certificateScript,
    ])

    static func database(spec: JSONValue? = nil, status: JSONValue? = nil) -> JSONValue {
        object("example.com/v1", "Database", spec: spec, status: status)
    }

    static func certificate(_ conditions: JSONValue...) -> JSONValue {
        object("certs.example.org/v1", "Certificate", status: ["conditions": .array(conditions)])
    }

    static func ready(_ status: String, _ message: String) -> JSONValue {
        ["type": "Ready", "status": .string(status), "message": .string(message)]
    }

    @Test(
        arguments: [
            ScriptCase("no status yet → Progressing", database(), .progressing, message: "waiting for the database"),
            ScriptCase(
                "phase Ready → Healthy", database(status: ["phase": "Ready", "replicas": 3]), .healthy,
                message: "ready with 3 replicas"),
            ScriptCase(
                "phase Failed → Degraded with the reason",
                database(status: ["phase": "Failed", "reason": "disk full"]), .degraded, message: "disk full"),
            ScriptCase(
                "paused → Suspended", database(spec: ["paused": true], status: ["phase": "Ready"]), .suspended,
                message: "paused by its owner"),
            ScriptCase("phase Creating → Progressing", database(status: ["phase": "Creating"]), .progressing),
            ScriptCase("Ready True → Healthy", certificate(ready("True", "issued")), .healthy, message: "issued"),
            ScriptCase(
                "Ready False → Degraded", certificate(["type": "Issuing", "status": "True"], ready("False", "denied")),
                .degraded, message: "denied"),
            ScriptCase("no Ready condition → Progressing", certificate(), .progressing, message: "no Ready"),
            ScriptCase("a kind without a script → nil", object("apps/v1", "Deployment"), nil),
            ScriptCase("the same kind in another group → nil", object("other.com/v1", "Database"), nil),
        ]
    )
    func statuses(_ row: ScriptCase) { row.check(Self.checks) }

    @Test("every status name is accepted, and a missing message is empty")
    func everyStatus() {
        for status in HealthStatus.allCases {
            let checks = scripts(["example.com_Thing": "return { status = \"\(status.rawValue)\" }"])
            #expect(verdict(checks.assess(object("example.com/v1", "Thing"))) == ObjectHealth(status: status))
        }
    }

    @Test("JSON becomes Lua values: numbers, booleans, strings, 1-based arrays, null as nil, empty tables")
    func conversion() {
        let script = """
            local s = obj.spec
            local ok = s.count == 3 and s.ratio == 0.5 and s.flag == true and s.off == false and s.none == nil
              and #s.list == 3 and s.list[1] == "a" and s.list[3] == "c" and s.list[0] == nil
              and s.nested.deep.value == "x" and type(s.empty) == "table" and next(s.empty) == nil
              and obj.metadata.name == "example" and obj.kind == "Thing"
            if ok then return { status = "Healthy", message = "converted" } end
            return { status = "Degraded", message = "conversion differs" }
            """
        let thing = object(
            "example.com/v1", "Thing",
            spec: [
                "count": 3, "ratio": 0.5, "flag": true, "off": false, "none": nil, "list": ["a", "b", "c"],
                "nested": ["deep": ["value": "x"]], "empty": [:],
            ])
        #expect(
            verdict(scripts(["example.com_Thing": script]).assess(thing))
                == ObjectHealth(status: .healthy, message: "converted")
        )
    }

    @Test("globals a script sets do not reach the next object")
    func freshGlobals() {
        let checks = scripts([
            "example.com_Thing": """
            if seen then return { status = "Degraded", message = "saw a global of the last run" } end
            seen = true
            _G.marker = true
            return { status = "Healthy" }
            """
        ])
        for _ in 0..<3 {
            #expect(checks.assess(object("example.com/v1", "Thing"))?.status == .healthy)
        }
    }

    @Test("one script assessed from many tasks at once gives every task its own answer")
    func concurrent() async {
        let checks = Self.checks
        let failures = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var failures = 0
                    for index in 0..<200 {
                        let replicas = task * 1000 + index
                        let health = checks.assess(
                            Self.database(status: ["phase": "Ready", "replicas": .int(replicas)]))
                        if health?.message != "ready with \(replicas) replicas" { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }
}

@Suite("Lua health scripts: wrong answers and failures are Unknown")
struct HealthScriptFailureTests {
    static func assess(_ script: String, openLibs: Bool = false) -> ObjectHealth? {
        scripts(["example.com_Thing": script], openLibs: openLibs).assess(object("example.com/v1", "Thing"))
    }

    @Test(
        arguments: [
            ("return \"Healthy\"", "returned string, expected a table"),
            ("local hs = { status = \"Healthy\" }", "returned nil, expected a table"),
            ("return 42", "returned number"),
            ("return {}", "no status string"),
            ("return { status = 1 }", "no status string"),
            ("return { status = \"Fine\" }", "returned status \"Fine\", expected one of Healthy"),
            ("return { status = \"healthy\" }", "returned status \"healthy\""),
            ("return { status = \"Healthy\", message = {} }", "message that is not a string"),
            ("error(\"cannot judge\")", "the script failed: health.lua:1: cannot judge"),
            ("error({})", "an error that is not a string"),
            ("return obj.metadata.missing.field", "attempt to index field 'missing' (a nil value)"),
        ]
    )
    func wrongAnswers(_ script: String, _ message: String) {
        let health = Self.assess(script)
        #expect(health?.status == .unknown)
        #expect(health?.message.contains(message) == true, "\(health?.message ?? "no health")")
    }

    @Test("a table's __index is not run when its fields are read")
    func noMetamethods() {
        let health = Self.assess(
            "return setmetatable({}, { __index = function() while true do end end })")
        #expect(health?.status == .unknown)
        #expect(health?.message.contains("no status string") == true, "\(health?.message ?? "")")
    }

    @Test("an infinite loop ends at the instruction limit")
    func infiniteLoop() {
        let health = Self.assess("while true do end")
        #expect(health?.status == .unknown)
        #expect(
            health?.message.contains("exceeded the limit of 1000000 instructions") == true, "\(health?.message ?? "")")
    }

    @Test("an infinite loop that catches the limit's error with pcall still ends")
    func caughtLoop() {
        let health = Self.assess("while true do pcall(function() while true do end end) end")
        #expect(health?.status == .unknown)
        #expect(health?.message.contains("instructions") == true, "\(health?.message ?? "")")
    }

    @Test("a huge string.rep ends at the memory limit")
    func stringBomb() {
        let health = Self.assess(
            "local s = string.rep(\"x\", 1000000000) return { status = \"Healthy\" }", openLibs: true)
        #expect(health?.status == .unknown)
        #expect(health?.message.contains("memory limit of 16777216 bytes") == true, "\(health?.message ?? "")")
    }

    @Test("a growing table ends at the memory limit, and the script still works afterwards")
    func tableBomb() {
        let checks = scripts(
            [
                "example.com_Thing": """
                if obj.spec.grow then
                  local t = {}
                  local i = 0
                  while true do i = i + 1; t[i] = { i, i, i } end
                end
                return { status = "Healthy", message = "fine" }
                """
            ], limits: HealthScriptLimits(instructions: 100_000_000, memoryBytes: 1 << 20))
        let bomb = checks.assess(object("example.com/v1", "Thing", spec: ["grow": true]))
        #expect(bomb?.status == .unknown)
        #expect(bomb?.message.contains("memory limit of 1048576 bytes") == true, "\(bomb?.message ?? "")")
        let calm = checks.assess(object("example.com/v1", "Thing", spec: ["grow": false]))
        #expect(verdict(calm) == ObjectHealth(status: .healthy, message: "fine"))
    }

    @Test("an object too large for the memory limit is Unknown, not converted")
    func objectTooLarge() {
        let checks = scripts(
            ["example.com_Thing": "return { status = \"Healthy\" }"],
            limits: HealthScriptLimits(instructions: 1000, memoryBytes: 64 << 10))
        let large = object("example.com/v1", "Thing", spec: ["blob": .string(String(repeating: "x", count: 100_000))])
        let health = checks.assess(large)
        #expect(health?.status == .unknown)
        #expect(health?.message.contains("does not fit in the memory limit") == true, "\(health?.message ?? "")")
    }

    @Test("objects of a good part of the memory limit, one after another, do not fill it with garbage")
    func garbage() {
        let checks = scripts(
            ["example.com_Thing": "return { status = \"Healthy\", message = tostring(#obj.spec.items) }"],
            limits: HealthScriptLimits(instructions: 1000, memoryBytes: 1 << 20))
        let items = JSONValue.array((0..<3000).map { .string("item-\($0)") })
        for _ in 0..<20 {
            let health = checks.assess(object("example.com/v1", "Thing", spec: ["items": items]))
            #expect(verdict(health) == ObjectHealth(status: .healthy, message: "3000"))
        }
    }

    @Test("a long message is cut")
    func longMessage() {
        let health = Self.assess("return { status = \"Healthy\", message = string.rep(\"y\", 5000) }", openLibs: true)
        #expect(health?.status == .healthy)
        #expect(health?.message.count == 1025)
    }
}

@Suite("Lua health scripts: the sandbox")
struct HealthScriptSandboxTests {
    /// Scripts that would create the file at `path` if the sandbox let them, and the name the refusal names.
    static func attempts(_ path: String) -> [(script: String, refused: String)] {
        [
            ("os.execute(\"touch \(path)\")", "global 'os'"),
            ("io.open(\"\(path)\", \"w\"):write(\"x\")", "global 'io'"),
            ("require(\"os\").execute(\"touch \(path)\")", "global 'require'"),
            ("loadstring(\"os.execute('touch \(path)')\")()", "global 'loadstring'"),
            ("load(function() return nil end)", "global 'load'"),
            ("dofile(\"\(path)\")", "global 'dofile'"),
            ("loadfile(\"\(path)\")", "global 'loadfile'"),
            ("debug.getregistry()", "global 'debug'"),
            ("package.loadlib(\"libc.so.6\", \"system\")", "global 'package'"),
            ("collectgarbage(\"stop\")", "global 'collectgarbage'"),
            ("setfenv(1, {})", "global 'setfenv'"),
            ("getfenv(0)", "global 'getfenv'"),
            ("coroutine.create(function() end)", "global 'coroutine'"),
            ("print(\"hello\")", "global 'print'"),
        ]
    }

    @Test("os, io, require, the loaders, debug and the environment functions are refused, with or without useOpenLibs")
    func refusals() {
        for openLibs in [false, true] {
            let path = scratchPath("created-by-a-script")
            for (script, refused) in Self.attempts(path) {
                let health = scripts(["example.com_Thing": script], openLibs: openLibs).assess(
                    object("example.com/v1", "Thing"))
                #expect(health?.status == .unknown, "\(script)")
                #expect(health?.message.contains(refused) == true, "\(script): \(health?.message ?? "no health")")
            }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test("string and math need useOpenLibs; string.dump is never there")
    func openLibs() {
        let script = "return { status = \"Healthy\", message = string.upper(\"ok\") .. math.floor(2.5) }"
        let closed = scripts(["example.com_Thing": script]).assess(object("example.com/v1", "Thing"))
        #expect(closed?.status == .unknown)
        #expect(closed?.message.contains("global 'string'") == true, "\(closed?.message ?? "")")
        let open = scripts(["example.com_Thing": script], openLibs: true).assess(object("example.com/v1", "Thing"))
        #expect(verdict(open) == ObjectHealth(status: .healthy, message: "OK2"))
        let dump = scripts(["example.com_Thing": "string.dump(function() end)"], openLibs: true).assess(
            object("example.com/v1", "Thing"))
        #expect(dump?.message.contains("field 'dump'") == true, "\(dump?.message ?? "")")
    }

    @Test("the base functions health scripts use are there: ipairs, pairs, type, tostring, tonumber, pcall, table")
    func baseFunctions() {
        let script = """
            local n = 0
            for _, v in ipairs({ 1, 2 }) do n = n + v end
            for k, v in pairs({ a = 1 }) do n = n + v end
            local ok = pcall(error, "x")
            local t = {}
            table.insert(t, tostring(n))
            if type(t) == "table" and tonumber("4") == 4 and not ok then
              return { status = "Healthy", message = table.concat(t, ",") }
            end
            return { status = "Degraded" }
            """
        #expect(
            verdict(scripts(["example.com_Thing": script]).assess(object("example.com/v1", "Thing")))
                == ObjectHealth(status: .healthy, message: "4"))
    }
}
