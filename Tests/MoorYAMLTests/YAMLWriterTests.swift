import MoorCore
import MoorYAML
import Testing

@Suite("YAML writer")
struct YAMLWriterTests {
    static let styles: [(String, String)] = [
        ("plain", "k: plain"),
        ("a b  c", "k: a b  c"),
        ("yes", "k: \"yes\""),
        ("0777", "k: \"0777\""),
        ("1.0", "k: \"1.0\""),
        ("12", "k: \"12\""),
        ("", "k: \"\""),
        ("null", "k: \"null\""),
        ("~", "k: \"~\""),
        ("2024-01-01", "k: \"2024-01-01\""),
        ("2024-01-01T00:00:00Z", "k: \"2024-01-01T00:00:00Z\""),
        ("1:30", "k: \"1:30\""),
        ("<<", "k: \"<<\""),
        (" lead", "k: ' lead'"),
        ("trail ", "k: 'trail '"),
        ("a: b", "k: 'a: b'"),
        ("a:", "k: 'a:'"),
        ("#x", "k: '#x'"),
        ("a #x", "k: 'a #x'"),
        ("a#x", "k: a#x"),
        ("- x", "k: '- x'"),
        ("-", "k: '-'"),
        ("-x", "k: -x"),
        ("--port=8080", "k: --port=8080"),
        ("*", "k: '*'"),
        ("&a", "k: '&a'"),
        ("!tag", "k: '!tag'"),
        ("%x", "k: '%x'"),
        ("@x", "k: '@x'"),
        ("? x", "k: '? x'"),
        ("---", "k: '---'"),
        ("...", "k: '...'"),
        ("it's", "k: it's"),
        ("'q'", "k: '''q'''"),
        ("{\"a\":1}", "k: '{\"a\":1}'"),
        ("[1]", "k: '[1]'"),
        ("nginx:1.25", "k: nginx:1.25"),
        ("http://x/y?z=1#f", "k: http://x/y?z=1#f"),
        ("25%", "k: 25%"),
        ("é 😀", "k: é 😀"),
        ("tab\there", "k: \"tab\\there\""),
        ("\r", "k: \"\\r\""),
        ("\u{0}\u{7}\u{1B}\u{7F}", "k: \"\\0\\a\\e\\x7F\""),
        ("\u{85}\u{2028}\u{2029}", "k: \"\\N\\L\\P\""),
        ("\u{FEFF}x\u{9F}", "k: \"\\uFEFFx\\x9F\""),
        ("quote\"back\\", "k: quote\"back\\"),
        ("multi\nline", "k: |-\n  multi\n  line"),
        ("trailing\n", "k: |\n  trailing"),
        ("trailing\n\n", "k: |+\n  trailing\n"),
        ("\nleading", "k: |-\n\n  leading"),
        ("a\n\nb", "k: |-\n  a\n\n  b"),
        ("a \nb", "k: \"a \\nb\""),
        (" a\nb", "k: \" a\\nb\""),
        ("a\nb ", "k: \"a\\nb \""),
        ("\n", "k: \"\\n\""),
        ("tab\nand\there", "k: \"tab\\nand\\there\""),
    ]

    @Test("chooses the scalar style kubectl would", arguments: styles)
    func scalarStyle(string: String, expected: String) throws {
        let text = YAMLWriter.document(["k": .string(string)])
        #expect(text == expected + "\n")
        #expect(try YAMLReader.value(text) == ["k": .string(string)])
    }

    static let keys: [(String, String)] = [
        ("name", "name: 1"), ("a b", "a b: 1"), ("yes", "\"yes\": 1"), ("1", "\"1\": 1"), ("", "\"\": 1"),
        ("a: b", "'a: b': 1"), ("-", "'-': 1"), ("multi\nline", "\"multi\\nline\": 1"), ("<<", "\"<<\": 1"),
        ("app.kubernetes.io/name", "app.kubernetes.io/name: 1"),
    ]

    @Test("quotes keys that need it", arguments: keys)
    func keyStyle(key: String, expected: String) throws {
        let value = JSONValue.object(JSONObject([(key, JSONValue.int(1))]))
        let text = YAMLWriter.document(value)
        #expect(text == expected + "\n")
        #expect(try YAMLReader.value(text) == value)
    }

    static let numbers: [(JSONValue, String)] = [
        (0, "0"), (-12, "-12"), (.int(.max), "9223372036854775807"), (1.0, "1.0"), (-0.5, "-0.5"),
        (0.1, "0.1"), (.double(1e20), "1e+20"), (.double(1.5e-7), "1.5e-07"), (.double(.infinity), ".inf"),
        (.double(-.infinity), "-.inf"), (.double(.nan), ".nan"), (true, "true"), (nil, "null"),
    ]

    @Test("numbers, booleans and null", arguments: numbers)
    func scalars(value: JSONValue, expected: String) throws {
        let text = YAMLWriter.document(["k": value])
        #expect(text == "k: \(expected)\n")
        let back = try YAMLReader.value(text)["k"]
        #expect(back == value)
    }

    static let roundTrips: [JSONValue] = [
        "yes", "0777", "1.0", "", " lead", "a: b", "#x", "- x", "multi\nline", "trailing\n\n", "tab\there",
        "unicode ✓ é 😀 𝄞", "null", "~", "\u{85}\u{2028}", "line\n  indented\nback\n", "  \n", "a\n ",
        ["yes": 1, "1.0": 2, "": 3, "a: b": 4, "#": 5, "multi\nline": 6, "null": 7, "~": 8, " ": 9],
        ["empty": [], "obj": .emptyObject, "nested": ["a": [], "b": .emptyObject, "c": [[], .emptyObject]]],
        [[1, 2], [[3], []], [["x": 1]]],
        [["name": "a", "ports": [["port": 80]]], ["name": "b", "env": []], .emptyObject, []],
        ["script": "#!/bin/sh\nset -e\necho \"hi\" # comment\n", "json": "{\"a\": [1, 2]}\n"],
        "top\nlevel", [], .emptyObject, 5, 2.5, true, "x",
    ]

    @Test("YAMLReader reads back what YAMLWriter writes", arguments: roundTrips)
    func roundTrip(value: JSONValue) throws {
        let text = YAMLWriter.document(value)
        #expect(try YAMLReader.value(text) == value, "\(text)")
    }

    @Test("writes multi-line strings in sequences and top-level documents as indented literal blocks")
    func literalPlacement() {
        #expect(YAMLWriter.document("a\nb") == "|-\n  a\n  b\n")
        #expect(YAMLWriter.document(["x\ny", "z\n"]) == "- |-\n  x\n  y\n- |\n  z\n")
    }

    @Test("writes keys longer than libyaml's simple-key limit as explicit keys")
    func longKeys() throws {
        let key = String(repeating: "k", count: 1500)
        let members: [(String, JSONValue)] = [(key, ["a": 1]), ("short", [1])]
        let value = JSONValue.object(JSONObject(members))
        let text = YAMLWriter.document(value)
        #expect(text.hasPrefix("? \""))
        #expect(try YAMLReader.value(text) == value)
    }

    @Test("writes a stream with --- between documents")
    func stream() throws {
        let values: [JSONValue] = [["a": 1], ["b": [2]], "c"]
        let text = YAMLWriter.stream(values)
        #expect(text == "a: 1\n---\nb:\n- 2\n---\nc\n")
        #expect(try YAMLReader.documents(text).map(\.value) == values)
        #expect(YAMLWriter.stream([]) == "")
    }

    @Test("prints a Deployment exactly as kubectl get -o yaml does")
    func kubectlGolden() throws {
        let json = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{
            "deployment.kubernetes.io/revision":"1","kubectl.kubernetes.io/last-applied-configuration":
            "{\\"apiVersion\\":\\"apps/v1\\",\\"kind\\":\\"Deployment\\"}\\n"},
            "creationTimestamp":"2024-01-01T00:00:00Z","generation":1,"labels":{"app":"web"},"name":"web",
            "namespace":"default","resourceVersion":"1234","uid":"6f1c8e4a-2b1d-4a57-9a6b-0c3e5d7f9a11"},
            "spec":{"progressDeadlineSeconds":600,"replicas":3,"revisionHistoryLimit":10,
            "selector":{"matchLabels":{"app":"web"}},"strategy":{"rollingUpdate":{"maxSurge":"25%",
            "maxUnavailable":"25%"},"type":"RollingUpdate"},"template":{"metadata":{"creationTimestamp":null,
            "labels":{"app":"web"}},"spec":{"containers":[{"args":["--port=8080","--log-level","debug"],
            "command":["/bin/sh","-c"],"env":[{"name":"ENABLED","value":"true"},{"name":"PORT","value":"8080"},
            {"name":"GREETING","value":"hello: world"}],"image":"nginx:1.25","imagePullPolicy":"IfNotPresent",
            "name":"web","ports":[{"containerPort":8080,"name":"http","protocol":"TCP"}],
            "resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"100m","memory":"64Mi"}},
            "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
            "dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler",
            "securityContext":{},"terminationGracePeriodSeconds":30,"tolerations":[{"effect":"NoSchedule",
            "key":"dedicated","operator":"Equal","value":"*"}]}}},
            "status":{"availableReplicas":3,"conditions":[{"lastTransitionTime":"2024-01-01T00:00:05Z",
            "message":"Deployment has minimum availability.","reason":"MinimumReplicasAvailable",
            "status":"True","type":"Available"}],"observedGeneration":1,"readyReplicas":3,"replicas":3,
            "updatedReplicas":3}}
            """
        let expected = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              annotations:
                deployment.kubernetes.io/revision: "1"
                kubectl.kubernetes.io/last-applied-configuration: |
                  {"apiVersion":"apps/v1","kind":"Deployment"}
              creationTimestamp: "2024-01-01T00:00:00Z"
              generation: 1
              labels:
                app: web
              name: web
              namespace: default
              resourceVersion: "1234"
              uid: 6f1c8e4a-2b1d-4a57-9a6b-0c3e5d7f9a11
            spec:
              progressDeadlineSeconds: 600
              replicas: 3
              revisionHistoryLimit: 10
              selector:
                matchLabels:
                  app: web
              strategy:
                rollingUpdate:
                  maxSurge: 25%
                  maxUnavailable: 25%
                type: RollingUpdate
              template:
                metadata:
                  creationTimestamp: null
                  labels:
                    app: web
                spec:
                  containers:
                  - args:
                    - --port=8080
                    - --log-level
                    - debug
                    command:
                    - /bin/sh
                    - -c
                    env:
                    - name: ENABLED
                      value: "true"
                    - name: PORT
                      value: "8080"
                    - name: GREETING
                      value: 'hello: world'
                    image: nginx:1.25
                    imagePullPolicy: IfNotPresent
                    name: web
                    ports:
                    - containerPort: 8080
                      name: http
                      protocol: TCP
                    resources:
                      limits:
                        cpu: 500m
                        memory: 128Mi
                      requests:
                        cpu: 100m
                        memory: 64Mi
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  restartPolicy: Always
                  schedulerName: default-scheduler
                  securityContext: {}
                  terminationGracePeriodSeconds: 30
                  tolerations:
                  - effect: NoSchedule
                    key: dedicated
                    operator: Equal
                    value: '*'
            status:
              availableReplicas: 3
              conditions:
              - lastTransitionTime: "2024-01-01T00:00:05Z"
                message: Deployment has minimum availability.
                reason: MinimumReplicasAvailable
                status: "True"
                type: Available
              observedGeneration: 1
              readyReplicas: 3
              replicas: 3
              updatedReplicas: 3

            """
        let object = try JSONValue(parsing: json)
        let text = YAMLWriter.document(object)
        #expect(text == expected)
        #expect(try YAMLReader.value(text) == object)
    }
}
