import Diff
import MoorCore
import Testing

@Suite("Normalizer: what never counts as drift")
struct NormalizerTests {
    private let normalizer = Normalizer()

    @Test("removes status and every server-written metadata field", arguments: Normalizer.serverMetadataFields)
    func stripsServerMetadata(field: String) {
        var object = Fixtures.object(Fixtures.liveDeployment)
        object[path: "metadata", field] = "server value"
        let normalized = normalizer.normalize(object)
        #expect(normalized[path: "metadata", field] == nil)
        #expect(normalized["status"] == nil)
        #expect(normalized[path: "metadata", "name"] == "web")
        #expect(normalized[path: "spec", "replicas"] == 2)
    }

    @Test("removes server-written annotations, keeps the user's", arguments: Normalizer.serverAnnotations.sorted())
    func stripsServerAnnotations(annotation: String) {
        var object = Fixtures.object(Fixtures.desiredDeployment)
        object[path: "metadata", "annotations", annotation] = "{\"secret\":\"from last apply\"}"
        object[path: "metadata", "annotations", "team"] = "payments"
        let normalized = normalizer.normalize(object)
        #expect(normalized[path: "metadata", "annotations"] == ["team": "payments"])
    }

    @Test("drops labels and annotations left empty")
    func dropsEmptiedMarks() {
        var object = Fixtures.object(Fixtures.desiredDeployment)
        object[path: "metadata", "annotations"] = ["kubectl.kubernetes.io/last-applied-configuration": "{}"]
        object[path: "metadata", "labels"] = .emptyObject
        let metadata = normalizer.normalize(object)["metadata"]
        #expect(metadata == ["name": "web", "namespace": "shop"])
    }

    @Test(
        "removes Moor's tracking label and annotation only when asked",
        arguments: [(false, "moor", true), (true, "moor", false), (true, "helm", true)])
    func tracking(ignoresTracking: Bool, labelValue: String, kept: Bool) {
        var object = Fixtures.object(Fixtures.desiredDeployment)
        object[path: "metadata", "labels", Normalizer.trackingLabel] = .string(labelValue)
        object[path: "metadata", "annotations", Normalizer.trackingAnnotation] = "shop:apps/Deployment:shop/web"
        let normalized = Normalizer(ignoresTracking: ignoresTracking).normalize(object)
        #expect((normalized[path: "metadata", "labels", Normalizer.trackingLabel] != nil) == kept)
        #expect((normalized[path: "metadata", "annotations", Normalizer.trackingAnnotation] != nil) == !ignoresTracking)
        #expect(normalized[path: "metadata", "labels", "app"] == "web")
    }

    @Test("removes null members at any depth, keeps null array elements")
    func removesNulls() {
        let object: JSONValue = [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c", "labels": nil],
            "spec": ["a": nil, "b": ["c": nil, "d": 1], "list": [nil, ["e": nil]]],
        ]
        #expect(
            normalizer.normalize(object) == [
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"],
                "spec": ["b": ["d": 1], "list": [nil, .emptyObject]],
            ])
    }

    @Test("folds a Secret's stringData into data, base64-encoded, as the API server stores it")
    func foldsStringData() {
        let secret: JSONValue = [
            "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "db"],
            "stringData": ["password": "s3cret", "user": "root"], "data": ["user": "YWRtaW4=", "host": "ZGI="],
        ]
        let normalized = normalizer.normalize(secret)
        #expect(normalized["stringData"] == nil)
        #expect(normalized["data"] == ["user": "cm9vdA==", "host": "ZGI=", "password": "czNjcmV0"])
    }

    @Test("passes values that are not objects through")
    func nonObjects() {
        #expect(normalizer.normalize([1, 2]) == [1, 2])
        #expect(normalizer.normalize("text") == "text")
    }
}
