import Foundation
import Health
import HealthScript
import MoorCore
import Testing

@Suite("Health customizations: the ConfigMap spellings and matching")
struct HealthCustomizationsTests {
    static func script(_ message: String) -> String { "return { status = \"Healthy\", message = \"\(message)\" }" }

    static let blob = """
        "*.crossplane.io/*":
          health.lua: |
            \(script("any crossplane"))
        ec2.aws.crossplane.io/*:
          health.lua: |
            \(script("ec2"))
        "*.aws.crossplane.io/*":
          health.lua: |
            \(script("aws"))
        ec2.aws.crossplane.io/Instance:
          health.lua: |
            \(script("blob instance"))
        "*/Widget":
          health.lua: |
            \(script("any widget"))
        Pod:
          health.lua: |
            \(script("core pod"))
        "a*/Tie":
          health.lua: |
            \(script("a-star"))
        "*a/Tie":
          health.lua: |
            \(script("star-a"))
        apps/Deployment:
          ignoreDifferences: |
            jsonPointers: [/spec/replicas]
        """

    static let checks = HealthScripts(
        HealthCustomizations(configMapData: [
            "resource.customizations": blob,
            "resource.customizations.health.ec2.aws.crossplane.io_Instance": script("per-kind instance"),
            "url": "https://argo.example.com",
        ]))

    @Test(
        arguments: [
            ("ec2.aws.crossplane.io", "Instance", "per-kind instance"),
            ("ec2.aws.crossplane.io", "VPC", "ec2"),
            ("s3.aws.crossplane.io", "Bucket", "aws"),
            ("gcp.crossplane.io", "Network", "any crossplane"),
            ("", "Pod", "core pod"),
            ("", "Widget", "any widget"),
            ("example.com", "Widget", "any widget"),
            ("aa", "Tie", "star-a"),
            ("ab", "Tie", "a-star"),
        ]
    )
    func precedence(_ group: String, _ kind: String, _ message: String) {
        let apiVersion = group.isEmpty ? "v1" : "\(group)/v1"
        #expect(
            verdict(Self.checks.assess(object(apiVersion, kind))) == ObjectHealth(status: .healthy, message: message))
        #expect(Self.checks.problems.isEmpty, "\(Self.checks.problems)")
    }

    @Test(
        arguments: [
            ("crossplane.io", "Thing"), ("apps", "Deployment"), ("", "Service"), ("example.com", "Widgets"),
        ]
    )
    func noMatch(_ group: String, _ kind: String) {
        #expect(Self.checks.customization(group: group, kind: kind) == nil)
        #expect(Self.checks.assess(object(group.isEmpty ? "v1" : "\(group)/v1", kind)) == nil)
    }

    @Test("rules are in precedence order: exact, then more literal characters, then by text")
    func order() {
        let customizations = HealthCustomizations(configMapData: ["resource.customizations": Self.blob])
        #expect(
            customizations.rules.map(\.pattern.description) == [
                "ec2.aws.crossplane.io/Instance", "Pod", "ec2.aws.crossplane.io/*", "*.aws.crossplane.io/*",
                "*.crossplane.io/*", "*/Widget", "*a/Tie", "a*/Tie",
            ])
        #expect(
            customizations.rule(group: "x.crossplane.io", kind: "Y")?.key
                == "resource.customizations: *.crossplane.io/*")
    }

    @Test("the per-kind keys: the core group as _<kind>, useOpenLibs per kind")
    func perKindKeys() {
        let customizations = HealthCustomizations(configMapData: [
            "resource.customizations.health._ConfigMap": Self.script("core"),
            "resource.customizations.health.example.com_Thing": "return { status = string.lower(\"HEALTHY\") }",
            "resource.customizations.useOpenLibs.example.com_Thing": "true",
        ])
        #expect(customizations.problems.isEmpty)
        #expect(customizations.rule(group: "", kind: "ConfigMap")?.useOpenLibs == false)
        #expect(customizations.rule(group: "example.com", kind: "Thing")?.useOpenLibs == true)
        let checks = HealthScripts(customizations)
        #expect(checks.assess(object("v1", "ConfigMap"))?.message == "core")
        // string.lower gives "healthy", which is not a status name.
        #expect(checks.assess(object("example.com/v1", "Thing"))?.message.contains("\"healthy\"") == true)
    }

    @Test("useOpenLibs in the resource.customizations value, as a boolean or a string, and from a per-kind key")
    func blobOpenLibs() {
        let blob = """
            example.com/Open:
              useOpenLibs: true
              health.lua: return { status = "Healthy", message = string.upper("a") }
            example.com/Quoted:
              useOpenLibs: "true"
              health.lua: return { status = "Healthy" }
            example.com/Closed:
              health.lua: return { status = "Healthy", message = string.upper("a") }
            """
        let customizations = HealthCustomizations(configMapData: [
            "resource.customizations": blob, "resource.customizations.useOpenLibs.example.com_Closed": "true",
        ])
        #expect(customizations.problems.isEmpty)
        #expect(customizations.rules.allSatisfy { $0.useOpenLibs })
        let checks = HealthScripts(customizations)
        #expect(checks.assess(object("example.com/v1", "Open"))?.message == "A")
        #expect(checks.assess(object("example.com/v1", "Closed"))?.message == "A")
    }

    @Test("a file holding a ConfigMap manifest and a file holding its data read the same")
    func files() throws {
        let data = """
            resource.customizations.health.example.com_Database: |
            \(databaseScript.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            resource.customizations.useOpenLibs.example.com_Database: true
            """
        let manifest = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: moor-cm
            data:
            \(data.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
            """
        for text in [data, manifest] {
            let path = scratchPath("customizations.yaml")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let customizations = try HealthCustomizations(contentsOfFile: path)
            #expect(customizations.problems.isEmpty, "\(customizations.problems)")
            #expect(customizations.rules.map(\.useOpenLibs) == [true])
            let health = HealthScripts(customizations).assess(
                object("example.com/v1", "Database", status: ["phase": "Ready", "replicas": 2]))
            #expect(verdict(health) == ObjectHealth(status: .healthy, message: "ready with 2 replicas"))
        }
    }

    @Test("a file that cannot be read, is not YAML, or is not a mapping is a typed error")
    func badFiles() throws {
        #expect(throws: HealthCustomizationError.self) {
            try HealthCustomizations(contentsOfFile: "/nonexistent/x.yaml")
        }
        do {
            _ = try HealthCustomizations(contentsOfFile: "/nonexistent/x.yaml")
        } catch {
            #expect(error.code == .unreadableFile && error.key == "/nonexistent/x.yaml")
        }
        for (text, code) in [("a: [", HealthCustomizationError.Code.malformedYAML), ("- a\n- b", .invalidValue)] {
            do {
                _ = try HealthCustomizations(yaml: text)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.code == code, "\(error)")
            }
        }
    }
}

@Suite("Health customizations: errors name the key and spare the others")
struct HealthCustomizationErrorTests {
    static let good = "return { status = \"Healthy\", message = \"good\" }"

    @Test(
        arguments: [
            ("resource.customizations.health.apps-Deployment", HealthCustomizationError.Code.malformedKey),
            ("resource.customizations.health.a_b_c", .malformedKey),
            ("resource.customizations.health.example.com_", .malformedKey),
            ("resource.customizations.health.", .malformedKey),
            ("resource.customizations.health.*.example.com_Thing", .malformedKey),
            ("resource.customizations.health.example.com_Th/ing", .malformedKey),
            ("resource.customizations.useOpenLibs.example.com", .malformedKey),
        ]
    )
    func malformedKeys(_ key: String, _ code: HealthCustomizationError.Code) {
        let customizations = HealthCustomizations(configMapData: [
            key: Self.good, "resource.customizations.health.example.com_Good": Self.good,
        ])
        #expect(customizations.problems.map(\.code) == [code])
        #expect(customizations.problems.first?.key == key)
        #expect(customizations.problems.first?.message.hasPrefix(key.debugDescription + ": must be") == true)
        #expect(customizations.rules.map(\.pattern) == [GroupKindPattern(group: "example.com", kind: "Good")])
    }

    @Test("bad values: a useOpenLibs that is not a boolean, an entry that is not a mapping, a script that is not text")
    func invalidValues() {
        let blob = """
            example.com/NotAMapping: 3
            example.com/NotText:
              health.lua: [1, 2]
            example.com/BadFlag:
              useOpenLibs: [yes]
              health.lua: return {}
            a/b/c:
              health.lua: return {}
            example.com/Good:
              health.lua: \(Self.good)
            """
        let customizations = HealthCustomizations(configMapData: [
            "resource.customizations": blob,
            "resource.customizations.health.example.com_Other": Self.good,
            "resource.customizations.useOpenLibs.example.com_Other": "maybe",
        ])
        let problems = Dictionary(uniqueKeysWithValues: customizations.problems.map { ($0.key, $0.code) })
        #expect(
            problems == [
                "resource.customizations: example.com/NotAMapping": .invalidValue,
                "resource.customizations: example.com/NotText": .invalidValue,
                "resource.customizations: example.com/BadFlag": .invalidValue,
                "resource.customizations: a/b/c": .malformedKey,
                "resource.customizations.useOpenLibs.example.com_Other": .invalidValue,
            ])
        #expect(customizations.rules.map(\.pattern.kind).sorted() == ["Good", "Other"])
        #expect(customizations.rule(group: "example.com", kind: "Other")?.useOpenLibs == false)
    }

    @Test("a resource.customizations value that is not YAML is reported, and the per-kind keys still apply")
    func malformedBlob() {
        let customizations = HealthCustomizations(configMapData: [
            "resource.customizations": "example.com/A: [", "resource.customizations.health.example.com_Good": Self.good,
        ])
        #expect(customizations.problems.map(\.code) == [.malformedYAML])
        #expect(customizations.problems.first?.key == "resource.customizations")
        #expect(customizations.rules.count == 1)
    }

    @Test("a script that does not compile is a typed error naming its key; its kind is Unknown, the others work")
    func syntaxError() {
        let key = "resource.customizations.health.example.com_Broken"
        let checks = HealthScripts(
            HealthCustomizations(configMapData: [
                key: "if obj.status then\n  return { status = \"Healthy\" }\n",
                "resource.customizations.health.example.com_Good": Self.good,
            ]))
        #expect(checks.problems.count == 1)
        let problem = checks.problems.first
        #expect(problem?.code == .compile)
        #expect(problem?.key == key)
        #expect(
            problem?.message.contains("does not compile: health.lua:3: 'end' expected") == true,
            "\(problem?.message ?? "")")
        #expect(problem?.message.hasSuffix("fix the script") == true)
        let broken = checks.assess(object("example.com/v1", "Broken"))
        #expect(broken?.status == .unknown)
        #expect(broken?.message == problem?.message)
        #expect(
            verdict(checks.assess(object("example.com/v1", "Good"))) == ObjectHealth(status: .healthy, message: "good"))
    }
}

@Suite("Group and kind patterns")
struct GroupKindPatternTests {
    @Test(
        arguments: [
            ("*", "", true), ("*", "apps", true), ("*.io", "cert-manager.io", true), ("*.io", "io", false),
            ("ec2.*.crossplane.io", "ec2.aws.crossplane.io", true), ("ec2.*.crossplane.io", "ec2.crossplane.io", false),
            ("a*b*c", "abc", true), ("a*b*c", "aXbYbZc", true), ("a*b*c", "acb", false), ("apps", "apps", true),
            ("apps", "Apps", false), ("**", "x", true),
        ]
    )
    func groups(_ pattern: String, _ group: String, _ matches: Bool) {
        #expect(GroupKindPattern(group: pattern, kind: "*").matches(group: group, kind: "Anything") == matches)
    }

    @Test("the description is the resource.customizations spelling")
    func description() {
        #expect(GroupKindPattern(group: "", kind: "Pod").description == "Pod")
        #expect(GroupKindPattern(group: "apps", kind: "*").description == "apps/*")
    }
}
