import Health
import MoorCore
import MoorYAML
import Testing

/// Custom resources as their projects' controllers write them (cert-manager, Flux, Crossplane, Argo
/// Rollouts and Workflows, Tekton, Knative, Gateway API, External Secrets, Sealed Secrets, Prometheus
/// Operator, KEDA, Strimzi, CloudNativePG, Velero, Cluster API, Elastic, Istio), each annotated with the
/// health its maintainers' documentation describes for that state. Written for these tests from the
/// projects' documented status fields; no project's files are copied.
@Suite("Health of real-world custom resources")
struct CustomResourceCorpusTests {
    /// The annotation holding a document's expected health (`none`: no notion of health).
    static let expectation = "test.moor.dev/expected-health"

    static let corpus = """
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: web-tls, generation: 1, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          conditions: [{type: Ready, status: "True", reason: Ready, message: Certificate is up to date and has not expired, observedGeneration: 1}]
        ---
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata: {name: new-tls, generation: 1, annotations: {test.moor.dev/expected-health: Progressing}}
        status:
          conditions:
          - {type: Ready, status: "False", reason: DoesNotExist, message: Issuing certificate as Secret does not exist, observedGeneration: 1}
          - {type: Issuing, status: "True", reason: DoesNotExist, message: Issuing certificate as Secret does not exist, observedGeneration: 1}
        ---
        apiVersion: cert-manager.io/v1
        kind: ClusterIssuer
        metadata: {name: letsencrypt, generation: 2, annotations: {test.moor.dev/expected-health: Degraded}}
        status:
          conditions: [{type: Ready, status: "False", reason: ErrRegisterACMEAccount, message: Failed to register ACME account, observedGeneration: 2}]
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: apps, generation: 3, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          observedGeneration: 3
          conditions: [{type: Ready, status: "True", reason: ReconciliationSucceeded, message: "Applied revision: main@sha1:4f2c"}]
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: infra, generation: 1, annotations: {test.moor.dev/expected-health: Suspended}}
        spec: {suspend: true, interval: 10m}
        status:
          observedGeneration: 1
          conditions: [{type: Ready, status: "True", reason: ReconciliationSucceeded}]
        ---
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: podinfo, generation: 2, annotations: {test.moor.dev/expected-health: Degraded}}
        status:
          observedGeneration: 2
          conditions:
          - {type: Ready, status: "False", reason: InstallFailed, message: "Helm install failed: timed out waiting for the condition"}
          - {type: Released, status: "False", reason: InstallFailed}
          - {type: Stalled, status: "True", reason: RetriesExceeded, message: Failed to install after 1 attempt(s)}
        ---
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: GitRepository
        metadata: {name: flux-system, generation: 1, annotations: {test.moor.dev/expected-health: Progressing}}
        status:
          observedGeneration: 1
          conditions:
          - {type: Reconciling, status: "True", reason: Progressing, message: "building artifact: new revision 'main@sha1:9a1e'"}
          - {type: Ready, status: Unknown, reason: Progressing, message: reconciliation in progress}
        ---
        apiVersion: s3.aws.upbound.io/v1beta1
        kind: Bucket
        metadata: {name: assets, generation: 1, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          conditions:
          - {type: Ready, status: "True", reason: Available}
          - {type: Synced, status: "True", reason: ReconcileSuccess}
        ---
        apiVersion: s3.aws.upbound.io/v1beta1
        kind: Bucket
        metadata: {name: logs, generation: 1, annotations: {test.moor.dev/expected-health: Degraded}}
        status:
          conditions:
          - {type: Ready, status: "False", reason: Creating}
          - {type: Synced, status: "False", reason: ReconcileError, message: "cannot create bucket: AccessDenied"}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: checkout, generation: 5, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          observedGeneration: "5"
          phase: Healthy
          conditions:
          - {type: Progressing, status: "True", reason: NewReplicaSetAvailable}
          - {type: Available, status: "True", reason: AvailableReason}
          - {type: Healthy, status: "True", reason: RolloutHealthy}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: search, generation: 2, annotations: {test.moor.dev/expected-health: Suspended}}
        spec: {paused: true}
        status:
          phase: Paused
          conditions: [{type: Paused, status: "True", reason: RolloutPaused}]
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: nightly-x7k2p, annotations: {test.moor.dev/expected-health: Progressing}}
        status:
          phase: Running
          conditions: [{type: PodRunning, status: "True"}]
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: nightly-q9d4m, annotations: {test.moor.dev/expected-health: Degraded}}
        status:
          phase: Failed
          message: child 'nightly-q9d4m-3311' failed
          conditions: [{type: PodRunning, status: "False"}, {type: Completed, status: "True"}]
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Workflow
        metadata: {name: nightly-b2c8z, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          phase: Succeeded
          conditions: [{type: PodRunning, status: "False"}, {type: Completed, status: "True"}]
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: build-1, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          conditions: [{type: Succeeded, status: "True", reason: Succeeded, message: "Tasks Completed: 3 (Failed: 0, Cancelled 0), Skipped: 0"}]
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: build-2, annotations: {test.moor.dev/expected-health: Progressing}}
        status:
          conditions: [{type: Succeeded, status: Unknown, reason: Running, message: "Tasks Completed: 1 (Failed: 0, Cancelled 0), Incomplete: 2"}]
        ---
        apiVersion: tekton.dev/v1
        kind: PipelineRun
        metadata: {name: build-3, annotations: {test.moor.dev/expected-health: Degraded}}
        status:
          conditions: [{type: Succeeded, status: "False", reason: Failed, message: "Tasks Completed: 2 (Failed: 1, Cancelled 0)"}]
        ---
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: hello, generation: 4, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          observedGeneration: 4
          conditions:
          - {type: ConfigurationsReady, status: "True"}
          - {type: Ready, status: "True"}
          - {type: RoutesReady, status: "True"}
        ---
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: greeter, generation: 2, annotations: {test.moor.dev/expected-health: Progressing}}
        status:
          observedGeneration: 1
          conditions: [{type: Ready, status: "True"}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: public, generation: 1, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          conditions:
          - {type: Accepted, status: "True", reason: Accepted, observedGeneration: 1}
          - {type: Programmed, status: "True", reason: Programmed, observedGeneration: 1}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: shop, generation: 1, annotations: {test.moor.dev/expected-health: Degraded}}
        status:
          parents:
          - parentRef: {name: public}
            controllerName: example.net/gateway-controller
            conditions:
            - {type: Accepted, status: "True", reason: Accepted, observedGeneration: 1}
            - {type: ResolvedRefs, status: "False", reason: BackendNotFound, message: service "shop-api" not found, observedGeneration: 1}
        ---
        apiVersion: external-secrets.io/v1beta1
        kind: ExternalSecret
        metadata: {name: db-credentials, generation: 1, annotations: {test.moor.dev/expected-health: Degraded}}
        status:
          conditions: [{type: Ready, status: "False", reason: SecretSyncedError, message: could not get secret data from provider}]
        ---
        apiVersion: bitnami.com/v1alpha1
        kind: SealedSecret
        metadata: {name: api-token, generation: 1, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          observedGeneration: 1
          conditions: [{type: Synced, status: "True"}]
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: Prometheus
        metadata: {name: k8s, generation: 1, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          availableReplicas: 2
          conditions:
          - {type: Available, status: "True", observedGeneration: 1}
          - {type: Reconciled, status: "True", observedGeneration: 1}
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: web, generation: 1, annotations: {test.moor.dev/expected-health: none}}
        spec: {endpoints: [{port: metrics}]}
        ---
        apiVersion: keda.sh/v1alpha1
        kind: ScaledObject
        metadata: {name: worker, generation: 1, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          conditions:
          - {type: Ready, status: "True", reason: ScaledObjectReady}
          - {type: Active, status: "False", reason: ScalerNotActive}
          - {type: Fallback, status: "False", reason: NoFallbackFound}
        ---
        apiVersion: kafka.strimzi.io/v1beta2
        kind: Kafka
        metadata: {name: events, generation: 1, annotations: {test.moor.dev/expected-health: Progressing}}
        status:
          conditions: [{type: NotReady, status: "True", reason: Creating, message: Kafka cluster is being deployed}]
        ---
        apiVersion: kafka.strimzi.io/v1beta2
        kind: Kafka
        metadata: {name: audit, generation: 1, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          observedGeneration: 1
          conditions: [{type: Ready, status: "True"}]
        ---
        apiVersion: postgresql.cnpg.io/v1
        kind: Cluster
        metadata: {name: orders-db, generation: 1, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          phase: Cluster in healthy state
          instances: 3
          readyInstances: 3
        ---
        apiVersion: postgresql.cnpg.io/v1
        kind: Cluster
        metadata: {name: users-db, generation: 1, annotations: {test.moor.dev/expected-health: Progressing}}
        status:
          phase: Setting up primary
          instances: 3
        ---
        apiVersion: velero.io/v1
        kind: Backup
        metadata: {name: daily-20261202, annotations: {test.moor.dev/expected-health: Degraded}}
        status: {phase: PartiallyFailed, errors: 2}
        ---
        apiVersion: velero.io/v1
        kind: Backup
        metadata: {name: daily-20261201, annotations: {test.moor.dev/expected-health: Healthy}}
        status: {phase: Completed}
        ---
        apiVersion: cluster.x-k8s.io/v1beta1
        kind: Machine
        metadata: {name: worker-a, generation: 1, annotations: {test.moor.dev/expected-health: Healthy}}
        status:
          phase: Running
          observedGeneration: 1
          conditions:
          - {type: Ready, status: "True"}
          - {type: BootstrapReady, status: "True"}
          - {type: InfrastructureReady, status: "True"}
        ---
        apiVersion: elasticsearch.k8s.elastic.co/v1
        kind: Elasticsearch
        metadata: {name: logs, generation: 1, annotations: {test.moor.dev/expected-health: Degraded}}
        status: {health: red, phase: ApplyingChanges, availableNodes: 1}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, generation: 1, annotations: {test.moor.dev/expected-health: none}}
        spec: {hosts: [reviews]}
        """

    /// The corpus, each object with the health it must get.
    static func cases() throws -> [HealthCase] {
        try YAMLReader.documents(corpus).map { document in
            let object = document.value
            let expected = object[path: "metadata", "annotations", expectation]?.stringValue ?? ""
            let name = "\(object["kind"]?.stringValue ?? "") \(object[path: "metadata", "name"]?.stringValue ?? "")"
            return HealthCase(name, object, expected == "none" ? nil : HealthStatus(rawValue: expected))
        }
    }

    @Test("every custom resource of the corpus gets the health its project documents")
    func corpusHealth() throws {
        let cases = try Self.cases()
        #expect(cases.count == 35)
        for row in cases {
            let health = ObjectHealth.assess(row.object)
            #expect(health?.status == row.status, "\(row.name): \(health?.message ?? "no health")")
        }
    }
}
