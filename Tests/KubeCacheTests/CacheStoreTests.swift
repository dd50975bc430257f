import KubeClient
import MoorCore
import Testing

@testable import KubeCache

@Suite("CacheStore: managed objects, diffed and indexed by application")
struct CacheStoreTests {
    static let configMaps = GroupKind(ObjectRef(group: "", version: "v1", kind: "ConfigMap", name: "x"))

    static func event(_ kind: WatchEvent.Kind, _ object: JSONValue) -> WatchEvent {
        WatchEvent(kind: kind, object: object)
    }

    @Test("an added object is held and reported once with its application")
    func add() throws {
        var store = CacheStore()
        let object = Fixtures.configMap("a", app: "shop", resourceVersion: "1")
        let applied = store.apply(Self.event(.added, object))
        let change = try #require(applied)
        #expect(change.kind == .added)
        #expect(change.origin == .watch)
        #expect(change.ref == Fixtures.configMapRef("a"))
        #expect(change.applications == ["shop"])
        #expect(change.object == object)
        #expect(store.object(Fixtures.configMapRef("a")) == object)
        #expect(store.count == 1)
        #expect(store.apply(Self.event(.added, object)) == nil, "the same object again changes nothing")
    }

    @Test("a modification is reported as modified, whatever the event type says")
    func modify() throws {
        var store = CacheStore()
        _ = store.apply(Self.event(.added, Fixtures.configMap("a", app: "shop", resourceVersion: "1")))
        let newer = Fixtures.configMap("a", app: "shop", data: ["k": "2"], resourceVersion: "2")
        let applied = store.apply(Self.event(.added, newer))
        let change = try #require(applied)
        #expect(change.kind == .modified)
        #expect(change.applications == ["shop"])
        #expect(store.object(Fixtures.configMapRef("a"))?["data"] == ["k": "2"])
        #expect(store.count == 1)
    }

    @Test("a deletion reports the object's final state; deleting an unknown object changes nothing")
    func delete() throws {
        var store = CacheStore()
        _ = store.apply(Self.event(.added, Fixtures.configMap("a", app: "shop", resourceVersion: "1")))
        var final = Fixtures.configMap("a", app: "shop", resourceVersion: "3")
        final[path: "metadata", "deletionTimestamp"] = "2024-01-01T00:00:00Z"
        let applied = store.apply(Self.event(.deleted, final))
        let change = try #require(applied)
        #expect(change.kind == .deleted)
        #expect(change.object == final)
        #expect(change.applications == ["shop"])
        #expect(store.object(Fixtures.configMapRef("a")) == nil)
        #expect(store.objects(application: "shop").isEmpty)
        #expect(store.count == 0)
        #expect(store.apply(Self.event(.deleted, final)) == nil)
    }

    @Test("bookmarks and objects without a name change nothing")
    func ignored() {
        var store = CacheStore()
        #expect(
            store.apply(
                Self.event(
                    .bookmark,
                    [
                        "apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": ["resourceVersion": "9"],
                    ])) == nil)
        #expect(store.apply(Self.event(.added, ["apiVersion": "v1", "kind": "ConfigMap"])) == nil)
        #expect(store.count == 0)
    }

    @Test("an object is found through any API version of its type")
    func versionless() {
        var store = CacheStore()
        let deployment: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "namespace": "ns"],
        ]
        _ = store.apply(Self.event(.added, deployment))
        let beta = ObjectRef(group: "apps", version: "v1beta1", kind: "Deployment", namespace: "ns", name: "web")
        #expect(store.object(beta) == deployment)
        #expect(
            store.object(
                ObjectRef(
                    group: "extensions", version: "v1beta1", kind: "Deployment",
                    namespace: "ns", name: "web")) == nil)
    }

    @Test("a first list reports every object as added, from the list")
    func firstList() {
        var store = CacheStore()
        let objects = [Fixtures.configMap("a", app: "shop"), Fixtures.configMap("b", app: "blog")]
        let changes = store.replace(Self.configMaps, with: objects)
        #expect(changes.map(\.kind) == [.added, .added])
        #expect(changes.map(\.origin) == [.list, .list])
        #expect(changes.map(\.ref.name) == ["a", "b"])
        #expect(store.count == 2)
    }

    @Test("a relist reports only what differs: additions, modifications, then deletions in ref order")
    func relist() {
        var store = CacheStore()
        _ = store.replace(
            Self.configMaps,
            with: [
                Fixtures.configMap("same", app: "shop", resourceVersion: "1"),
                Fixtures.configMap("changed", app: "shop", resourceVersion: "2"),
                Fixtures.configMap("gone-b", app: "shop", resourceVersion: "3"),
                Fixtures.configMap("gone-a", app: "blog", resourceVersion: "4"),
            ])
        let changes = store.replace(
            Self.configMaps,
            with: [
                Fixtures.configMap("new", app: "blog", resourceVersion: "9"),
                Fixtures.configMap("changed", app: "shop", data: ["k": "2"], resourceVersion: "8"),
                Fixtures.configMap("same", app: "shop", resourceVersion: "1"),
            ])
        #expect(changes.map(\.kind) == [.added, .modified, .deleted, .deleted])
        #expect(changes.map(\.ref.name) == ["new", "changed", "gone-a", "gone-b"])
        #expect(changes.allSatisfy { $0.origin == .list })
        #expect(changes[2].applications == ["blog"])
        #expect(
            changes[2].object == Fixtures.configMap("gone-a", app: "blog", resourceVersion: "4"),
            "a deletion found by a relist carries the last state seen")
        #expect(store.count == 3)
        #expect(store.objects(application: "blog").map { $0[path: "metadata", "name"] } == ["new"])
    }

    @Test("an unchanged relist reports nothing")
    func unchangedRelist() {
        var store = CacheStore()
        let objects = (0..<50).map { Fixtures.configMap("cm-\($0)", app: "shop", resourceVersion: "\($0)") }
        _ = store.replace(Self.configMaps, with: objects)
        #expect(store.replace(Self.configMaps, with: objects.reversed()).isEmpty)
    }

    @Test("a relist replaces only its own resource type")
    func relistScope() {
        var store = CacheStore()
        let template: JSONValue = [
            "apiVersion": "v1", "kind": "PodTemplate", "metadata": ["name": "t", "namespace": "ns"],
        ]
        _ = store.apply(Self.event(.added, template))
        _ = store.apply(Self.event(.added, Fixtures.configMap("a", app: "shop")))
        let changes = store.replace(Self.configMaps, with: [template])
        #expect(changes.map(\.kind) == [.deleted])
        #expect(changes.map(\.ref.name) == ["a"])
        #expect(store.object(Fixtures.podTemplateRef("t", namespace: "ns")) == template)
    }

    @Test("the application index follows additions, deletions and annotation moves")
    func applicationIndex() throws {
        var store = CacheStore()
        _ = store.apply(Self.event(.added, Fixtures.configMap("b", app: "shop")))
        _ = store.apply(Self.event(.added, Fixtures.configMap("a", app: "shop")))
        _ = store.apply(Self.event(.added, Fixtures.configMap("c", app: "blog")))
        _ = store.apply(Self.event(.added, Fixtures.configMap("free", app: nil)))
        #expect(store.objects(application: "shop").map { $0[path: "metadata", "name"] } == ["a", "b"])
        #expect(store.objects(application: "blog").count == 1)
        #expect(store.objects(application: "none").isEmpty)

        let movedChange = store.apply(Self.event(.modified, Fixtures.configMap("b", app: "blog")))
        let moved = try #require(movedChange)
        #expect(moved.kind == .modified)
        #expect(moved.applications == ["blog", "shop"], "a move concerns both applications")
        #expect(store.objects(application: "shop").map { $0[path: "metadata", "name"] } == ["a"])
        #expect(store.objects(application: "blog").map { $0[path: "metadata", "name"] } == ["b", "c"])

        let untrackedChange = store.apply(Self.event(.modified, Fixtures.configMap("a", app: nil)))
        let untracked = try #require(untrackedChange)
        #expect(untracked.applications == ["shop"])
        #expect(store.objects(application: "shop").isEmpty)

        let adoptedChange = store.apply(Self.event(.modified, Fixtures.configMap("free", app: "shop")))
        let adopted = try #require(adoptedChange)
        #expect(adopted.applications == ["shop"])
        #expect(store.objects(application: "shop").map { $0[path: "metadata", "name"] } == ["free"])
    }

    @Test(
        "a tracking id counts only when well formed and describing the object itself",
        arguments: [
            ("shop:/ConfigMap:ns/a", "shop"),
            ("my:app:/ConfigMap:ns/a", nil),
            ("shop:/ConfigMap:ns/other", nil),
            ("shop:apps/ConfigMap:ns/a", nil),
            ("shop:/ConfigMap:elsewhere/a", nil),
            (":/ConfigMap:ns/a", nil),
            ("shop", nil),
        ] as [(String, String?)])
    func trackingID(annotation: String, application: String?) {
        var object = Fixtures.configMap("a", app: nil)
        object[path: "metadata", "annotations"] = ["moor.dev/tracking-id": .string(annotation)]
        #expect(TrackingID.application(of: object) == application)
        var store = CacheStore()
        let change = store.apply(Self.event(.added, object))
        #expect(change?.applications == (application.map { [$0] } ?? []))
    }
}
