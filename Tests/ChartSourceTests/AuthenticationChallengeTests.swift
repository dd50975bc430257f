import Testing

@testable import ChartSource

@Suite("AuthenticationChallenge")
struct AuthenticationChallengeTests {
    @Test("a registry's WWW-Authenticate header: scheme and quoted or bare parameters")
    func parses() {
        let bearer = AuthenticationChallenge(
            #"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:charts/db:pull""#
        )
        #expect(bearer.scheme == "bearer")
        #expect(
            bearer.parameters == [
                "realm": "https://auth.example.com/token", "service": "registry.example.com",
                "scope": "repository:charts/db:pull",
            ])
        let basic = AuthenticationChallenge(#"Basic realm="moor-test", charset=UTF-8"#)
        #expect(basic.scheme == "basic")
        #expect(basic.parameters == ["realm": "moor-test", "charset": "UTF-8"])
    }

    @Test(
        "a full version or a plain tag is one tag; partial versions and constraints list the tags",
        arguments: [
            ("1.2.3", true), ("v1.2.3", true), ("1.2.3-rc.1", true), ("latest", true), ("1.2", false), ("1.2.x", false),
            ("^1.2", false), ("*", false),
        ])
    func exactTags(version: String, exact: Bool) {
        #expect(ChartCache.isExactTag(version) == exact)
    }

    @Test(
        "a token service gets the registry's credential over HTTPS or on the registry's host, never in clear text elsewhere",
        arguments: [
            ("https://auth.example.com/token", "https://registry.example.com/v2/charts", true),
            ("http://registry.example.com:5001/token", "http://registry.example.com:5000/v2/charts", true),
            ("http://auth.example.com/token", "https://registry.example.com/v2/charts", false),
            ("http://127.0.0.1:9/token", "http://localhost:5000/v2/charts", false),
        ])
    func realmCredential(realm: String, registry: String, sent: Bool) {
        #expect(ChartCache.mayReceiveCredential(realm: realm, registry: registry) == sent)
    }
}
