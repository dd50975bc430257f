import Foundation
import MoorCore
import MoorYAML

/// Objects the suites share, written as YAML the way they appear in Git and in the cluster.
enum Fixtures {
    /// A Deployment as written in Git.
    static let desiredDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
          labels:
            app: web
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports:
                - containerPort: 80
                env:
                - name: A
                  value: "1"
                - name: B
                  value: "2"
                resources:
                  limits:
                    cpu: 1
                    memory: 1Gi
              - name: sidecar
                image: busybox:1.36
                args: [sleep, "3600"]
        """

    /// The same Deployment as the API server returns it: defaults filled in, server metadata and status
    /// added, quantities canonicalised.
    static let liveDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
          uid: 6f1c2a3e-0000-4000-8000-000000000001
          resourceVersion: "48213"
          generation: 3
          creationTimestamp: "2025-01-01T00:00:00Z"
          labels:
            app: web
          annotations:
            deployment.kubernetes.io/revision: "3"
          managedFields:
          - manager: moor
            operation: Apply
            apiVersion: apps/v1
            fieldsType: FieldsV1
            fieldsV1:
              f:spec:
                f:replicas: {}
        spec:
          replicas: 2
          progressDeadlineSeconds: 600
          revisionHistoryLimit: 10
          selector:
            matchLabels:
              app: web
          strategy:
            type: RollingUpdate
            rollingUpdate:
              maxSurge: 25%
              maxUnavailable: 25%
          template:
            metadata:
              creationTimestamp: null
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
                imagePullPolicy: IfNotPresent
                ports:
                - containerPort: 80
                  protocol: TCP
                env:
                - name: A
                  value: "1"
                - name: B
                  value: "2"
                resources:
                  limits:
                    cpu: "1"
                    memory: 1Gi
                terminationMessagePath: /dev/termination-log
                terminationMessagePolicy: File
              - name: sidecar
                image: busybox:1.36
                args: [sleep, "3600"]
                imagePullPolicy: IfNotPresent
                resources: {}
              dnsPolicy: ClusterFirst
              restartPolicy: Always
              schedulerName: default-scheduler
              securityContext: {}
              terminationGracePeriodSeconds: 30
        status:
          observedGeneration: 3
          replicas: 2
          readyReplicas: 2
        """

    /// Parses a YAML fixture; fixtures are literals, so a parse failure is a bug in the test itself.
    static func object(_ yaml: String) -> JSONValue {
        do {
            return try YAMLReader.value(yaml)
        } catch {
            fatalError("fixture does not parse: \(error)")
        }
    }

    /// A fixture with `find` replaced by `replacement`; stops the test run when `find` is absent, so a
    /// stale table entry cannot pass silently.
    static func edited(_ yaml: String, replacing find: String, with replacement: String) -> JSONValue {
        guard let range = yaml.range(of: find) else { fatalError("fixture does not contain \(find)") }
        return object(yaml.replacingCharacters(in: range, with: replacement))
    }
}
