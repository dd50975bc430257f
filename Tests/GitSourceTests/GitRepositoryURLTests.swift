import GitSource
import Testing

@Suite("Repository URLs")
struct GitRepositoryURLTests {
    @Test(
        "equivalent spellings share one normalised form",
        arguments: [
            ("https://GitHub.com/Org/Repo.git", "https://github.com/Org/Repo"),
            ("https://github.com/Org/Repo/", "https://github.com/Org/Repo"),
            ("https://ci@github.com:443/Org/Repo.git/", "https://github.com/Org/Repo"),
            ("http://127.0.0.1:8080/repo.git", "http://127.0.0.1:8080/repo"),
            ("git@github.com:org/repo.git", "ssh://git@github.com/org/repo"),
            ("ssh://git@GITHUB.com:22/org/repo", "ssh://git@github.com/org/repo"),
            ("git+ssh://git@github.com/org/repo.git", "ssh://git@github.com/org/repo"),
            ("git@[127.0.0.1:2222]:/srv/repo.git", "ssh://git@127.0.0.1:2222/srv/repo"),
            ("ssh://git@[::1]:2222/srv/repo", "ssh://git@[::1]:2222/srv/repo"),
            ("git://example.com:9418/repo.git", "git://example.com/repo"),
            ("file:///srv/git/repo.git", "file:///srv/git/repo"),
            ("file://localhost/srv/git/repo/", "file:///srv/git/repo"),
        ])
    func normalises(raw: String, normalized: String) throws {
        let url = try GitRepositoryURL(raw)
        #expect(url.normalized == normalized)
        #expect(url.rawValue == raw)
    }

    @Test("scp-like and ssh:// forms of one repository are equal")
    func scpLikeEqualsSSH() throws {
        #expect(
            try GitRepositoryURL("git@github.com:org/repo.git") == GitRepositoryURL("ssh://git@github.com/org/repo"))
        #expect(try GitRepositoryURL("git@github.com:org/repo") != GitRepositoryURL("git@github.com:org/other"))
    }

    @Test(
        "malformed, unsupported and option-like URLs are refused",
        arguments: [
            "", "-oProxyCommand=touch /tmp/x", "--upload-pack=evil", "ssh://-oProxyCommand=evil/repo",
            "git@-oProxyCommand=evil:repo", "https://host/repo with space", "https://host/repo\n", "ftp://host/repo",
            "ext::sh -c evil", "/srv/local/path", "relative/path", "https://", "https://host", "https://host:99999/r",
            "https://user:secret@host/repo.git", "file://otherhost/srv/repo", "ssh://ho$t/repo",
        ])
    func refuses(raw: String) {
        let error = #expect(throws: GitError.self) { try GitRepositoryURL(raw) }
        #expect(error?.code == .invalidURL)
    }

    @Test(
        "a password in a refused URL never appears in the error",
        arguments: [
            "https://user:hunter2secret@host/repo", "https://user:hunter2secret x@host/repo",
            "https://user:hunter2secret\n@host/repo",
        ])
    func passwordNotEchoed(raw: String) {
        let error = #expect(throws: GitError.self) { try GitRepositoryURL(raw) }
        #expect(error?.code == .invalidURL)
        #expect(error?.description.contains("hunter2secret") == false)
        #expect(error?.description.contains("\n") == false)
    }

    @Test("the redacted form drops user information")
    func redacted() throws {
        let url = try GitRepositoryURL("https://deploy-bot@example.com/org/repo.git")
        #expect(url.redacted == "https://example.com/org/repo.git")
        #expect("\(url)" == url.redacted)
    }

    @Test(
        "a URL without user information is its own redacted form",
        arguments: ["https://example.com/org/repo.git", "file:///srv/git/repo", "ssh://host:2222/srv/repo"])
    func redactedWithoutUser(raw: String) throws {
        #expect(try GitRepositoryURL(raw).redacted == raw)
    }
}
