/// Manifests many tests apply, as YAML.
package enum FixtureManifests {
    /// A one-container Deployment `name` (nginx, selecting `app: web`). Without a kubelet its Pods stay
    /// Pending, so on the local control plane it stays Progressing.
    package static func deployment(_ name: String = "web") -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "nginx:1.27"}]
        """
    }
}
