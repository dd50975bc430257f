import Foundation
import MoorCore
import Render
import Testing

/// Helm charts rendered in process through the Helm SDK library (`pip install helm-python-sdk`).
@Suite("Helm sources")
struct HelmRendererTests {
    /// A chart with helpers, conditionals, a range, a subchart, a CRD, a schema and capabilities.
    static let chart: [String: String] = [
        "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
        "charts/web/values.yaml": """
        replicas: 2
        image: {repository: nginx, tag: "1.25"}
        ports: [80, 443]
        monitoring: false
        failMe: false
        """,
        "charts/web/values.schema.json": """
        {"type": "object", "properties": {"replicas": {"type": "integer", "minimum": 1}}}
        """,
        "charts/web/templates/_helpers.tpl": """
        {{- define "web.fullname" -}}
        {{ .Release.Name }}-{{ .Chart.Name }}
        {{- end -}}
        {{- define "web.labels" -}}
        app.kubernetes.io/name: {{ .Chart.Name }}
        app.kubernetes.io/instance: {{ .Release.Name }}
        {{- end -}}
        """,
        "charts/web/templates/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ include "web.fullname" . }}
          namespace: {{ .Release.Namespace }}
          labels:
            {{- include "web.labels" . | nindent 4 }}
        spec:
          replicas: {{ .Values.replicas }}
          template:
            spec:
              containers:
              - name: web
                image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
                ports:
                {{- range .Values.ports }}
                - containerPort: {{ . }}
                {{- end }}
        """,
        "charts/web/templates/service.yaml": """
        apiVersion: v1
        kind: Service
        metadata:
          name: {{ include "web.fullname" . }}
          annotations:
            kube-version: {{ .Capabilities.KubeVersion.Version | quote }}
        """,
        "charts/web/templates/servicemonitor.yaml": """
        {{- if and .Values.monitoring (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") }}
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata:
          name: {{ include "web.fullname" . }}
        {{- end }}
        """,
        "charts/web/templates/guard.yaml": """
        {{- if .Values.failMe }}
        {{ fail "failMe is set: refusing to render" }}
        {{- end }}
        """,
        "charts/web/templates/NOTES.txt": "Thanks for installing {{ .Release.Name }}.\n",
        "charts/web/crds/widget.yaml": """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        """,
        "charts/web/charts/cache/Chart.yaml": "apiVersion: v2\nname: cache\nversion: 0.1.0\n",
        "charts/web/charts/cache/values.yaml": "size: 64Mi\n",
        "charts/web/charts/cache/templates/configmap.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ .Release.Name }}-cache
        data:
          size: {{ .Values.size | quote }}
        """,
    ]

    static func render(_ helm: HelmOptions?, extraFiles: [String: String] = [:]) async throws -> [ManifestObject] {
        let tree = try TestTree(chart.merging(extraFiles) { $1 })
        defer { tree.remove() }
        return try await tree.render(RenderOptions(path: "charts/web", source: helm.map(SourceKind.helm)))
    }

    static func renderError(_ helm: HelmOptions, extraFiles: [String: String] = [:]) async throws -> RenderError? {
        let tree = try TestTree(chart.merging(extraFiles) { $1 })
        defer { tree.remove() }
        return await tree.renderError(RenderOptions(path: "charts/web", source: .helm(helm)))
    }

    @Test("a detected chart renders with its defaults, CRDs first, templates by path, with their files")
    func defaults() async throws {
        let objects = try await Self.render(nil)
        #expect(
            objects.names == [
                "CustomResourceDefinition/widgets.example.com", "ConfigMap/web-cache", "Deployment/web-web",
                "Service/web-web",
            ])
        #expect(
            objects.locations == [
                "charts/web/crds/widget.yaml:1", "charts/web/charts/cache/templates/configmap.yaml:1",
                "charts/web/templates/deployment.yaml:1", "charts/web/templates/service.yaml:1",
            ])
        let deployment = objects[2].object
        #expect(deployment[path: "metadata", "namespace"] == "default")
        #expect(
            deployment[path: "metadata", "labels"] == [
                "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web",
            ])
        #expect(deployment[path: "spec", "replicas"] == 2)
        let container = deployment[path: "spec", "template", "spec", "containers"]?[0]
        #expect(container?["image"] == "nginx:1.25")
        #expect(container?["ports"] == [["containerPort": 80], ["containerPort": 443]])
        #expect(objects[1].object[path: "data", "size"] == "64Mi")
    }

    @Test("values files, inline values and parameters combine in Helm's order")
    func options() async throws {
        let options = HelmOptions(
            releaseName: "shop", valueFiles: ["values-prod.yaml", "../shared/common.yaml"],
            values: "image:\n  tag: '2.0'\n", valuesObject: ["cache": ["size": "1Gi"]],
            parameters: [
                HelmParameter(name: "ports[1]", value: "8443"),
                HelmParameter(name: "image.repository", value: "registry.example.com/nginx"),
                HelmParameter(name: "replicas", value: "5", forceString: false),
            ],
            apiVersions: ["monitoring.coreos.com/v1"], kubeVersion: "v1.30.2", namespace: "prod", skipCrds: true)
        let objects = try await Self.render(
            options,
            extraFiles: [
                "charts/web/values-prod.yaml": "monitoring: true\nports: [80, 443, 8080]\nimage: {tag: '1.9'}\n",
                "charts/shared/common.yaml": "replicas: 3\n",
            ])
        #expect(
            objects.names == [
                "ConfigMap/shop-cache", "Deployment/shop-web", "Service/shop-web", "ServiceMonitor/shop-web",
            ])
        let deployment = objects[1].object
        #expect(deployment[path: "metadata", "namespace"] == "prod")
        #expect(deployment[path: "spec", "replicas"] == 5)
        let container = deployment[path: "spec", "template", "spec", "containers"]?[0]
        #expect(container?["image"] == "registry.example.com/nginx:2.0")
        #expect(container?["ports"] == [["containerPort": 80], ["containerPort": 8443], ["containerPort": 8080]])
        #expect(objects[0].object[path: "data", "size"] == "1Gi")
        #expect(objects[2].object[path: "metadata", "annotations", "kube-version"] == "v1.30.2")
        #expect(objects[3].source.description == "charts/web/templates/servicemonitor.yaml")
    }

    @Test("a missing values file is named")
    func missingValuesFile() async throws {
        let error = try await Self.renderError(HelmOptions(valueFiles: ["values-staging.yaml"]))
        #expect(error?.code == .notFound)
        #expect(error?.description == "values file 'charts/web/values-staging.yaml' does not exist")
    }

    @Test("a values file outside the checkout is refused", arguments: ["../../../outside.yaml", "/etc/passwd"])
    func valuesFileOutside(path: String) async throws {
        let error = try await Self.renderError(HelmOptions(valueFiles: [path]))
        #expect(error?.code == .pathOutsideRepository)
        #expect(error?.message.hasPrefix("values file '\(path)' ") == true)
    }

    @Test("a values file symlinked out of the checkout is refused")
    func valuesFileSymlink() async throws {
        let tree = try TestTree(Self.chart)
        defer { tree.remove() }
        let outside = try tree.writeOutside("secret-values.yaml", "replicas: 9\n")
        try tree.symlink("config/values.yaml", to: outside)
        let options = HelmOptions(valueFiles: ["../../config/values.yaml"])
        let error = await tree.renderError(RenderOptions(path: "charts/web", source: .helm(options)))
        #expect(error?.code == .pathOutsideRepository)
        #expect(error?.location?.file == "config/values.yaml")
    }

    @Test("a template symlinked out of the checkout is refused before Helm reads the chart")
    func templateSymlink() async throws {
        let tree = try TestTree(Self.chart)
        defer { tree.remove() }
        try tree.symlink("charts/web/templates/passwd.yaml", to: "/etc/passwd")
        let error = await tree.renderError(RenderOptions(path: "charts/web"))
        #expect(error?.code == .pathOutsideRepository)
        #expect(error?.location?.file == "charts/web/templates/passwd.yaml")
    }

    @Test("symlinked directories inside the chart are checked for escaping symlinks too")
    func nestedSymlink() async throws {
        let tree = try TestTree(Self.chart.merging(["shared/ok.yaml": "# nothing\n"]) { $1 })
        defer { tree.remove() }
        try tree.symlink("shared/passwd.yaml", to: "/etc/passwd")
        try tree.symlink("charts/web/templates/shared", to: "../../../shared")
        let error = await tree.renderError(RenderOptions(path: "charts/web"))
        #expect(error?.code == .pathOutsideRepository)
        #expect(error?.location?.file == "charts/web/templates/shared/passwd.yaml")
    }

    @Test("a failing template points at its line")
    func failingTemplate() async throws {
        let error = try await Self.renderError(HelmOptions(parameters: [HelmParameter(name: "failMe", value: "true")]))
        #expect(error?.code == .toolFailed)
        #expect(error?.location == SourceLocation(file: "charts/web/templates/guard.yaml", line: 2))
        #expect(error?.message.contains("failMe is set: refusing to render") == true)
    }

    @Test("a value the schema rejects points at values.schema.json")
    func schemaViolation() async throws {
        let error = try await Self.renderError(HelmOptions(values: "replicas: 0\n"))
        #expect(error?.code == .toolFailed)
        #expect(error?.location == SourceLocation(file: "charts/web/values.schema.json", line: 0))
        #expect(error?.message.hasPrefix("the values do not match the chart's schema; fix the values: ") == true)
        #expect(error?.message.contains("at '/replicas': minimum: got 0, want 1") == true)
    }

    @Test("invalid inline values and parameters are options errors")
    func invalidValues() async throws {
        let yaml = try await Self.renderError(HelmOptions(values: "a: [1\n"))
        #expect(yaml?.code == .invalidOptions)
        #expect(yaml?.message.hasPrefix("helm.values is not valid YAML: line 2:") == true)
        let parameter = try await Self.renderError(HelmOptions(parameters: [HelmParameter(name: "a..b", value: "1")]))
        #expect(parameter?.description == "helm parameter name 'a..b' is not valid: it has an empty key")
        let release = try await Self.renderError(HelmOptions(releaseName: "Web_1"))
        #expect(release?.code == .invalidOptions)
    }

    @Test("the helm binary is run as helm template with the same inputs")
    func binary() async throws {
        let tree = try TestTree(Self.chart.merging(["charts/web/prod.yaml": "replicas: 4\n"]) { $1 })
        defer { tree.remove() }
        let arguments = tree.root + "/../arguments"
        let values = tree.root + "/../values.json"
        let output = """
            ---
            # Source: web/crds/widget.yaml
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            ---
            # Source: web/templates/service.yaml
            apiVersion: v1
            kind: Service
            metadata:
              name: a
            ---
            # Source: web/templates/service.yaml
            apiVersion: v1
            kind: Service
            metadata:
              name: b
            """
        let script = """
            #!/bin/sh
            printf '%s\\n' "$@" > \(arguments)
            while [ $# -gt 0 ]; do [ "$1" = --values ] && cp "$2" \(values); shift; done
            cat <<'EOF'
            \(output)
            EOF
            """
        let helm = try tree.writeOutside("helm", script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helm)
        let options = HelmOptions(
            releaseName: "shop", valueFiles: ["prod.yaml"], apiVersions: ["a/v1", "b/v1"], kubeVersion: "v1.31.0",
            namespace: "prod")
        let objects = try await tree.render(
            RenderOptions(path: "charts/web", source: .helm(options)),
            configuration: RenderConfiguration(helm: .binary(path: helm)))
        #expect(objects.names == ["CustomResourceDefinition/widgets.example.com", "Service/a", "Service/b"])
        #expect(
            objects.locations == [
                "charts/web/crds/widget.yaml:1", "charts/web/templates/service.yaml",
                "charts/web/templates/service.yaml",
            ])
        let passed = try String(contentsOfFile: arguments, encoding: .utf8).split(separator: "\n")
        let chart = URL(fileURLWithPath: tree.root).resolvingSymlinksInPath().path + "/charts/web"
        #expect(passed.prefix(4) == ["template", "shop", Substring(chart), "--values"])
        #expect(
            Array(passed.dropFirst(5)) == [
                "--namespace", "prod", "--kube-version", "v1.31.0", "--api-versions", "a/v1", "--api-versions", "b/v1",
                "--include-crds",
            ])
        #expect(try String(contentsOfFile: values, encoding: .utf8) == #"{"replicas":4}"#)
    }
}
