import ChartSource
import Testing

@Suite("ChartReference")
struct ChartReferenceTests {
    @Test(
        "Argo CD's spellings of remote charts",
        arguments: [
            (
                "https://charts.example.com/stable/", "webapp", "1.2.*",
                ChartReference(
                    repository: .http("https://charts.example.com/stable"), chart: "webapp", version: "1.2.*")
            ),
            (
                "oci://registry.example.com:5000/charts", "webapp", "1.0.0",
                ChartReference(
                    repository: .oci(
                        registry: "registry.example.com:5000", repository: "charts/webapp", plainHTTP: false),
                    chart: "webapp", version: "1.0.0")
            ),
            (
                "oci://registry.example.com/charts/webapp", "", "HEAD",
                ChartReference(
                    repository: .oci(registry: "registry.example.com", repository: "charts/webapp", plainHTTP: false),
                    chart: "webapp", version: "*")
            ),
        ])
    func spellings(repoURL: String, chart: String, revision: String, expected: ChartReference) throws {
        #expect(try ChartReference(repoURL: repoURL, chart: chart, targetRevision: revision) == expected)
    }

    @Test(
        "a URL without a scheme is an OCI registry when its credential sets enableOCI, plain HTTP with insecureOCIForceHttp"
    )
    func enableOCI() throws {
        let credential = RepositoryCredential(url: "registry.local/charts", enableOCI: true, insecureOCIForceHTTP: true)
        let reference = try ChartReference(
            repoURL: "registry.local/charts", chart: "db", targetRevision: "^2", credential: credential)
        #expect(reference.repository == .oci(registry: "registry.local", repository: "charts/db", plainHTTP: true))
        #expect(reference.repositoryURL == "oci://registry.local/charts/db")
    }

    @Test(
        "malformed references are refused with a message naming the field",
        arguments: [
            ("https://user:secret@charts.example.com", "webapp", "user information"),
            ("https://charts.example.com", "", "source.chart is empty"),
            ("https://charts.example.com", "../etc", "is not a chart name"),
            ("registry.local/charts", "db", "is not a chart repository"),
            ("oci://registry.local/Charts", "db", "lowercase"),
            ("oci://registry.local//x", "db", "is not an OCI reference"),
        ])
    func refused(repoURL: String, chart: String, message: String) {
        #expect {
            try ChartReference(repoURL: repoURL, chart: chart, targetRevision: "1.0.0")
        } throws: { error in
            let error = error as? ChartSourceError
            return error?.code == .invalidReference && error?.message.contains(message) == true
                && error?.message.contains("secret") == false
        }
    }
}
