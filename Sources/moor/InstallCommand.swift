import ArgumentParser
import MoorCore
import MoorYAML

/// `moor install`: prints the manifests that install Moor into a cluster.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Print the manifests that install Moor into a cluster (pipe them to kubectl apply -f -).")

    @Flag(name: .customLong("crds-only"), help: "Print only the CustomResourceDefinitions.")
    var crdsOnly = false

    @Option(help: "Namespace of the controller.")
    var namespace = "moor-system"

    @Option(help: "Container image of the controller (an image with the moor binary as its entry point).")
    var image = "moor:\(MoorVersion.current)"

    func run() {
        let manifests =
            crdsOnly
            ? InstallManifests.crds : InstallManifests.all(namespace: namespace, image: image)
        print(YAMLWriter.stream(manifests), terminator: "")
    }
}

/// The objects `moor install` prints: the Application and ApplicationSet CRDs, and the controller's namespace,
/// service account, RBAC, Deployment (serving the API, webhooks, metrics and UI on port 8080, probed on
/// `/healthz` and `/readyz`) and the Service in front of that port.
enum InstallManifests {
    /// The CustomResourceDefinitions.
    static var crds: [JSONValue] { [Application.customResourceDefinition, Application.applicationSetDefinition] }

    /// Everything, with the controller in `namespace` running `image`.
    static func all(namespace: String, image: String) -> [JSONValue] {
        let labels: JSONValue = ["app.kubernetes.io/name": "moor-controller", "app.kubernetes.io/part-of": "moor"]
        let metadata = { (name: String) -> JSONValue in
            ["name": .string(name), "namespace": .string(namespace), "labels": labels]
        }
        return crds + [
            ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]],
            ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata("moor-controller")],
            // A GitOps controller applies whatever Git holds, so it needs every verb on every resource.
            [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": ["name": "moor-controller", "labels": labels],
                "rules": [
                    ["apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]],
                    ["nonResourceURLs": ["*"], "verbs": ["get"]],
                ],
            ],
            [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": ["name": "moor-controller", "labels": labels],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "moor-controller"],
                "subjects": [["kind": "ServiceAccount", "name": "moor-controller", "namespace": .string(namespace)]],
            ],
            [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata("moor-controller"),
                "spec": [
                    "replicas": 1, "selector": ["matchLabels": labels],
                    "template": [
                        "metadata": ["labels": labels],
                        "spec": [
                            "serviceAccountName": "moor-controller",
                            "containers": [
                                [
                                    "name": "controller", "image": .string(image),
                                    "args": ["controller", "--all-namespaces", "--listen", "0.0.0.0:8080"],
                                    "ports": [["name": "http", "containerPort": 8080, "protocol": "TCP"]],
                                    "livenessProbe": [
                                        "httpGet": ["path": "/healthz", "port": "http"], "periodSeconds": 10,
                                    ],
                                    "readinessProbe": [
                                        "httpGet": ["path": "/readyz", "port": "http"], "periodSeconds": 5,
                                    ],
                                    "env": [["name": "MOOR_CACHE_DIR", "value": "/var/cache/moor"]],
                                    "volumeMounts": [["name": "cache", "mountPath": "/var/cache/moor"]],
                                    "resources": [
                                        "requests": ["cpu": "100m", "memory": "128Mi"], "limits": ["memory": "512Mi"],
                                    ],
                                    "securityContext": [
                                        "runAsNonRoot": true, "readOnlyRootFilesystem": true,
                                        "allowPrivilegeEscalation": false,
                                    ],
                                ]
                            ],
                            "volumes": [["name": "cache", "emptyDir": .emptyObject]],
                        ],
                    ],
                ],
            ],
            [
                "apiVersion": "v1", "kind": "Service", "metadata": metadata("moor-server"),
                "spec": [
                    "selector": labels,
                    "ports": [["name": "http", "port": 8080, "targetPort": "http", "protocol": "TCP"]],
                ],
            ],
        ]
    }
}
