import ArgumentParser
import MoorCore
import MoorYAML
import Notifications
import Projects

/// `moor install`: prints the manifests that install Moor into a cluster.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Print the manifests that install Moor into a cluster (pipe them to kubectl apply -f -).")

    @Flag(name: .customLong("crds-only"), help: "Print only the CustomResourceDefinitions.")
    var crdsOnly = false

    @Flag(
        name: .customLong("impersonation-only"),
        help: ArgumentHelp(
            "Least privilege: the controller may read everything but write only Moor's own resources, events and "
                + "its leases; every application's writes go through the ServiceAccount it impersonates."))
    var impersonationOnly = false

    @Option(help: "Namespace of the controller.")
    var namespace = "moor-system"

    @Option(help: "Container image of the controller (an image with the moor binary as its entry point).")
    var image = "moor:\(MoorVersion.current)"

    @Option(
        name: .customLong("watch-namespace"),
        help: "Let the controller manage only the Application resources of this namespace (default: every namespace).")
    var watchNamespace: String?

    func run() {
        let manifests =
            crdsOnly
            ? InstallManifests.crds
            : InstallManifests.all(
                namespace: namespace, image: image, impersonationOnly: impersonationOnly,
                watchNamespace: watchNamespace)
        print(YAMLWriter.stream(manifests), terminator: "")
    }
}

/// The objects `moor install` prints: the Application, ApplicationSet, AppProject, Provider and Alert CRDs, and the
/// controller's namespace, service account, RBAC, Deployment (serving the API, webhooks, metrics and UI on port
/// 8080, probed on `/healthz` and `/readyz`; its root filesystem read-only, so emptyDirs hold its caches and
/// `/tmp`, where it exports checkouts) and the Service in front of that port.
enum InstallManifests {
    /// The CustomResourceDefinitions.
    static var crds: [JSONValue] {
        [
            Application.customResourceDefinition, Application.applicationSetDefinition,
            AppProject.customResourceDefinition, NotificationProvider.customResourceDefinition,
            NotificationAlert.customResourceDefinition,
        ]
    }

    static let labels: JSONValue = ["app.kubernetes.io/name": "moor-controller", "app.kubernetes.io/part-of": "moor"]

    /// The rule that lets the controller send an application's requests as a ServiceAccount. Only
    /// `serviceaccounts`: Moor sends `Impersonate-User` alone and the API server adds the
    /// ServiceAccount's groups itself, so no `impersonate` on `users` or `groups` is needed.
    static let impersonateServiceAccounts: JSONValue = [
        "apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"],
    ]

    /// The rules of the default ClusterRole: a GitOps controller applies whatever Git holds, so it
    /// needs every verb on every resource (and impersonation, for applications that name a ServiceAccount).
    static let fullRules: [JSONValue] = [
        ["apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]],
        impersonateServiceAccounts,
        ["nonResourceURLs": ["*"], "verbs": ["get"]],
    ]

    /// The rules of the `--impersonation-only` ClusterRole: read everything (the live-object cache and
    /// discovery; this includes Secrets, which the cache diffs masked), write only Moor's own resources
    /// and events, impersonate ServiceAccounts. Every write an application's sync makes is then
    /// authorized as the ServiceAccount it impersonates.
    static let impersonationOnlyRules: [JSONValue] = [
        ["apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch"]],
        [
            "apiGroups": ["moor.dev"],
            "resources": [
                "applications", "applications/status", "applicationsets", "applicationsets/status", "appprojects",
                "appprojects/status",
            ],
            "verbs": ["*"],
        ],
        ["apiGroups": ["", "events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch"]],
        impersonateServiceAccounts,
        ["nonResourceURLs": ["*"], "verbs": ["get"]],
    ]

    /// The `--impersonation-only` Role in the controller's namespace: its leader-election and shard
    /// Leases, and the Secrets and ConfigMaps it reads its configuration from.
    static let controllerNamespaceRules: [JSONValue] = [
        [
            "apiGroups": ["coordination.k8s.io"], "resources": ["leases"],
            "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"],
        ],
        ["apiGroups": [""], "resources": ["secrets", "configmaps"], "verbs": ["get", "list", "watch"]],
    ]

    /// The controller's RBAC: its ClusterRole and binding, and with `impersonationOnly` the least-privilege
    /// rules plus the Role and RoleBinding in `namespace`.
    static func rbac(namespace: String, impersonationOnly: Bool) -> [JSONValue] {
        let subjects: JSONValue = [
            ["kind": "ServiceAccount", "name": "moor-controller", "namespace": .string(namespace)]
        ]
        var objects: [JSONValue] = [
            [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": ["name": "moor-controller", "labels": labels],
                "rules": .array(impersonationOnly ? impersonationOnlyRules : fullRules),
            ],
            [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": ["name": "moor-controller", "labels": labels],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "moor-controller"],
                "subjects": subjects,
            ],
        ]
        guard impersonationOnly else { return objects }
        let metadata: JSONValue = ["name": "moor-controller", "namespace": .string(namespace), "labels": labels]
        objects += [
            [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": metadata,
                "rules": .array(controllerNamespaceRules),
            ],
            [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": metadata,
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "moor-controller"],
                "subjects": subjects,
            ],
        ]
        return objects
    }

    /// Everything, with the controller in `namespace` running `image`, managing the Application resources of
    /// `watchNamespace` (`nil`: of every namespace); with `impersonationOnly` its RBAC is the least-privilege one
    /// (see ``rbac(namespace:impersonationOnly:)``).
    static func all(
        namespace: String, image: String, impersonationOnly: Bool = false, watchNamespace: String? = nil
    ) -> [JSONValue] {
        let labels = Self.labels
        let scope: [JSONValue] = watchNamespace.map { ["--watch-namespace", .string($0)] } ?? ["--all-namespaces"]
        let metadata = { (name: String) -> JSONValue in
            ["name": .string(name), "namespace": .string(namespace), "labels": labels]
        }
        return crds + [
            ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]],
            ["apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata("moor-controller")],
        ] + rbac(namespace: namespace, impersonationOnly: impersonationOnly) + [
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
                                    "args": .array(["controller"] + scope + ["--listen", "0.0.0.0:8080"]),
                                    "ports": [["name": "http", "containerPort": 8080, "protocol": "TCP"]],
                                    "livenessProbe": [
                                        "httpGet": ["path": "/healthz", "port": "http"], "periodSeconds": 10,
                                    ],
                                    "readinessProbe": [
                                        "httpGet": ["path": "/readyz", "port": "http"], "periodSeconds": 5,
                                    ],
                                    "env": [
                                        ["name": "MOOR_CACHE_DIR", "value": "/var/cache/moor"],
                                        // The controller's namespace: its AppProjects, Leases and Secrets.
                                        [
                                            "name": "POD_NAMESPACE",
                                            "valueFrom": ["fieldRef": ["fieldPath": "metadata.namespace"]],
                                        ],
                                    ],
                                    "volumeMounts": [
                                        ["name": "cache", "mountPath": "/var/cache/moor"],
                                        ["name": "tmp", "mountPath": "/tmp"],
                                    ],
                                    "resources": [
                                        "requests": ["cpu": "100m", "memory": "128Mi"], "limits": ["memory": "512Mi"],
                                    ],
                                    "securityContext": [
                                        "runAsNonRoot": true, "readOnlyRootFilesystem": true,
                                        "allowPrivilegeEscalation": false,
                                    ],
                                ]
                            ],
                            "volumes": [
                                ["name": "cache", "emptyDir": .emptyObject], ["name": "tmp", "emptyDir": .emptyObject],
                            ],
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
