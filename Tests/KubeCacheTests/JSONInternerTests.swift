import MoorCore
import Testing

@testable import KubeCache

/// What the live-object cache's interner shares, and that sharing never changes an object.
@Suite("JSONInterner: cached objects share what they hold alike")
struct JSONInternerTests {
    /// A ConfigMap as the API server returns it after Moor applied it, with its managed fields.
    static func applied(_ name: String, time: String = "2026-12-03T12:00:00Z") -> JSONValue {
        [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": [
                "name": .string(name), "namespace": "bench-controller-namespace",
                "creationTimestamp": .string(time),
                "labels": ["app.kubernetes.io/managed-by": "moor"],
                "annotations": ["moor.dev/tracking-id": .string("app:/ConfigMap:bench-controller-namespace/\(name)")],
                "managedFields": [
                    [
                        "manager": "moor", "operation": "Apply", "apiVersion": "v1", "time": .string(time),
                        "fieldsType": "FieldsV1",
                        "fieldsV1": [
                            "f:data": ["f:key": [:]],
                            "f:metadata": ["f:labels": ["f:app.kubernetes.io/managed-by": [:]]],
                        ],
                    ]
                ],
            ],
            "data": ["key": .string(name)],
        ]
    }

    /// The address of a string's heap storage; `nil` for a string stored inline.
    static func storage(_ text: String?) -> UnsafeRawPointer? {
        text?.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
    }

    @Test("an interned object is equal to the one given, key order included")
    func equal() {
        var interner = JSONInterner()
        for name in ["a", "b"] {
            let object = Self.applied(name)
            let interned = interner.intern(object)
            #expect(interned == object)
            #expect(interned.jsonString() == object.jsonString())
        }
    }

    @Test("two objects share their long keys, namespace and managed fields; their own values stay their own")
    func shared() throws {
        var interner = JSONInterner()
        let first = interner.intern(Self.applied("a", time: "2026-12-03T12:00:00Z"))
        let second = interner.intern(Self.applied("b", time: "2026-12-03T12:00:01Z"))
        func fieldsV1Key(_ object: JSONValue) -> String? {
            object[path: "metadata", "managedFields"]?[0]?["fieldsV1"]?["f:metadata"]?["f:labels"]?.objectValue?.keys
                .first
        }
        let firstKey = try #require(Self.storage(fieldsV1Key(first)))
        #expect(Self.storage(fieldsV1Key(second)) == firstKey)
        let namespace = Self.storage(first[path: "metadata", "namespace"]?.stringValue)
        #expect(namespace != nil)
        #expect(Self.storage(second[path: "metadata", "namespace"]?.stringValue) == namespace)
        let label = Self.storage(first[path: "metadata", "labels"]?.objectValue?.keys.first)
        #expect(label != nil)
        #expect(Self.storage(second[path: "metadata", "labels"]?.objectValue?.keys.first) == label)
        #expect(interner.count.trees == 1, "one fieldsV1 shape, whatever the managed-fields times")
        #expect(interner.count.values == 3, "one label map; two managed-fields lists, one per time")
    }

    @Test("objects written in the same second share their label map and whole managed-fields list, not their names")
    func sharedLists() {
        var interner = JSONInterner()
        let first = interner.intern(Self.applied("first-object-name", time: "2026-12-03T12:00:00Z"))
        let second = interner.intern(Self.applied("other-object-name", time: "2026-12-03T12:00:00Z"))
        /// The address of the storage of an array or object value.
        func storage(_ value: JSONValue?) -> UnsafeRawPointer? {
            switch value {
            case .array(let elements)?: elements.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
            case .object(let object)?: Self.storage(object.keys.first)
            default: nil
            }
        }
        let list = storage(first[path: "metadata", "managedFields"])
        #expect(list != nil)
        #expect(storage(second[path: "metadata", "managedFields"]) == list)
        #expect(
            Self.storage(second[path: "metadata", "creationTimestamp"]?.stringValue)
                == Self.storage(first[path: "metadata", "creationTimestamp"]?.stringValue))
        #expect(
            Self.storage(second[path: "metadata", "name"]?.stringValue)
                != Self.storage(first[path: "metadata", "name"]?.stringValue))
        #expect(interner.count.values == 2, "one label map, one managed-fields list")
        #expect(second == Self.applied("other-object-name", time: "2026-12-03T12:00:00Z"))
    }

    @Test("a full table starts over, so the interner holds at most its capacity")
    func bounded() {
        var interner = JSONInterner(capacity: 2)
        for index in 0..<10 {
            _ = interner.intern(["metadata": ["namespace": .string("a-long-namespace-\(index)")]])
            #expect(interner.count.strings <= 2)
        }
        for index in 0..<10 {
            let object: JSONValue = [
                "metadata": [
                    "managedFields": [
                        ["fieldsV1": .object(JSONObject([("f:field-\(index)", JSONValue.object(JSONObject()))]))]
                    ]
                ]
            ]
            _ = interner.intern(object)
            #expect(interner.count.trees <= 2)
            #expect(interner.count.values <= 2)
        }
    }
}
