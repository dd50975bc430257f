import Foundation
import GitSource
import MoorTestSupport
import Testing

@Suite("Transports: git daemon, smart HTTP (nginx), SSH (sshd)", .timeLimit(.minutes(10)))
struct GitTransportTests {
    @Test("git:// fetches and resolves through git daemon")
    func gitDaemon() async throws {
        try await GitWorkspace.with { workspace in
            let (repo, _) = try await workspace.repository("daemon.git")
            let head = try await repo.sha(of: "HEAD")
            try await GitDaemonServer.start(basePath: workspace.repositories).stopping { server in
                let url = try GitRepositoryURL(server.url(for: "daemon.git"))
                #expect(try await workspace.cache.resolve(url, revision: "main").sha == head)
                #expect(await workspace.cache.statistics.fetches == 1)
            }
        }
    }

    @Test("http:// with basic auth: the right password fetches; a wrong or missing one fails without leaking it")
    func smartHTTP() async throws {
        try await GitWorkspace.with { workspace in
            let (repo, _) = try await workspace.repository("http")
            let head = try await repo.sha(of: "HEAD")
            let password = "s3cret-Token-4711"
            try await GitHTTPServer.start(basePath: workspace.repositories, username: "deploy", password: password)
                .stopping { server in
                    let url = try GitRepositoryURL(server.url(for: "http"))
                    let good = GitCredentials.https(username: "deploy", password: password)
                    #expect(try await workspace.cache.resolve(url, revision: "main", credentials: good).sha == head)

                    let wrong = GitCredentials.https(username: "deploy", password: "wrong-Password-0815")
                    let rejected = await #expect(throws: GitError.self) {
                        try await workspace.cache.resolve(url, revision: "main", credentials: wrong)
                    }
                    #expect(rejected?.code == .authenticationFailed)
                    #expect(rejected?.message.contains("authentication to \(url.redacted) failed") == true)
                    #expect(rejected?.mentions("wrong-Password-0815") == false)
                    #expect(rejected?.mentions(password) == false)

                    let anonymous = await #expect(throws: GitError.self) {
                        try await workspace.cache.resolve(url, revision: "main")
                    }
                    #expect(anonymous?.code == .authenticationFailed)
                    #expect(anonymous?.message.contains("none are configured") == true)
                }
        }
    }

    @Test("ssh:// and scp-like URLs fetch with a key and known_hosts, and share one mirror")
    func ssh() async throws {
        try await GitWorkspace.with { workspace in
            let (repo, _) = try await workspace.repository("ssh.git")
            let head = try await repo.sha(of: "HEAD")
            let key = try await GitTestSSHKey.generate()
            try await GitSSHServer.start(authorizedKey: key.publicKey).stopping { server in
                let credentials = GitCredentials.ssh(privateKey: key.privateKey, knownHosts: server.knownHostsLine)
                let url = try GitRepositoryURL(server.url(for: repo.path))
                #expect(try await workspace.cache.resolve(url, revision: "main", credentials: credentials).sha == head)

                let scpLike = try GitRepositoryURL(server.scpLikeURL(for: repo.path))
                #expect(scpLike == url)
                #expect(
                    try await workspace.cache.resolve(scpLike, revision: "HEAD", credentials: credentials).sha == head)
                let statistics = await workspace.cache.statistics
                #expect(statistics.remoteListings == 2)
                #expect(statistics.fetches == 1)

                let insecure = GitCredentials.ssh(
                    privateKey: key.privateKey, knownHosts: "", insecureIgnoreHostKey: true)
                #expect(try await workspace.cache.resolve(url, revision: "main", credentials: insecure).sha == head)

                // The key is written to a private file for each command and removed afterwards.
                let scratch = try FileManager.default.contentsOfDirectory(atPath: workspace.root + "/cache/tmp")
                #expect(scratch.isEmpty)
            }
        }
    }

    @Test("a wrong SSH key or an unknown host key is refused with a clear error")
    func sshFailures() async throws {
        try await GitWorkspace.with { workspace in
            let (repo, _) = try await workspace.repository("ssh-failures.git")
            let key = try await GitTestSSHKey.generate()
            let stranger = try await GitTestSSHKey.generate()
            try await GitSSHServer.start(authorizedKey: key.publicKey).stopping { server in
                let url = try GitRepositoryURL(server.url(for: repo.path))
                let wrongKey = GitCredentials.ssh(privateKey: stranger.privateKey, knownHosts: server.knownHostsLine)
                let rejected = await #expect(throws: GitError.self) {
                    try await workspace.cache.resolve(url, revision: "main", credentials: wrongKey)
                }
                #expect(rejected?.code == .authenticationFailed)
                #expect(rejected?.message.contains("rejected the private key") == true)
                let keyBody = stranger.privateKey.split(separator: "\n")[1]
                #expect(rejected?.mentions(String(keyBody)) == false)

                let otherHost =
                    "[127.0.0.1]:\(server.port) " + key.publicKey.split(separator: " ").prefix(2).joined(separator: " ")
                let unknownHost = GitCredentials.ssh(privateKey: key.privateKey, knownHosts: otherHost)
                let hostError = await #expect(throws: GitError.self) {
                    try await workspace.cache.resolve(url, revision: "main", credentials: unknownHost)
                }
                #expect(hostError?.code == .hostKeyRejected)
            }
        }
    }
}
