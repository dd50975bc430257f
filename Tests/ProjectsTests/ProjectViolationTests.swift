import MoorCore
import Projects
import Testing

@Suite("What a project allows")
struct ProjectViolationTests {
    /// (sourceRepos, repository URL, allowed)
    static let sources: [([String], String, Bool)] = [
        (["https://github.com/org/repo.git"], "https://github.com/org/repo.git", true),
        (["https://github.com/org/repo.git"], "https://github.com/org/repo", true),  // `.git` dropped
        (["https://github.com/org/repo"], "HTTPS://GitHub.com/Org/Repo.git", true),  // case ignored
        (["https://github.com/org/repo"], "https://github.com/org/repo2", false),
        (["https://github.com/org/repo"], "https://github.com/org/repo/", false),  // a trailing `/` stays
        (["https://github.com/org/*"], "https://github.com/org/repo", true),
        (["https://github.com/org/*"], "https://github.com/org/team/repo", false),  // `*` stops at `/`
        (["https://github.com/org/**"], "https://github.com/org/team/repo", true),
        (["https://github.com/org/repo-?"], "https://github.com/org/repo-a", true),
        (["https://github.com/org/{web,api}"], "https://github.com/org/api.git", true),
        (["*"], "https://anything.example/a/b/c", true),
        (["*"], "git@github.com:org/repo.git", true),
        ([], "https://github.com/org/repo", false),
        (["git@github.com:org/*"], "git@github.com:org/repo.git", true),  // scp-like read as host/path
        (["git@github.com:org/*"], "ssh://git@github.com/org/repo.git", true),
        (["ssh://git@github.com/org/repo"], "git@GITHUB.com:org/repo", true),
        (["!https://github.com/org/secret", "*"], "https://github.com/org/secret.git", false),
        (["!https://github.com/org/secret", "*"], "https://github.com/org/public", true),
        (["*", "!https://github.com/org/secret"], "https://github.com/org/secret", false),  // order does not matter
        (["!https://gitlab.com/group/**", "*"], "https://gitlab.com/group/sub/repo", false),
        (["!https://gitlab.com/group/**", "*"], "https://gitlab.com/other/repo", true),
        (["!ssh://git@GITHUB.com:argoproj/test", "*"], "ssh://git@github.com:argoproj/test", false),
        // Argo CD: a `!` entry that passes permits
        (["!https://github.com/org/secret"], "https://github.com/org/public", true),
    ]

    @Test("sourceRepos: globs, negation and URL normalisation", arguments: sources)
    func source(repos: [String], url: String, allowed: Bool) {
        let project = AppProject(name: "team-a", sourceRepos: repos)
        let violation = project.checkSource(url)
        #expect((violation == nil) == allowed)
        if let violation {
            #expect(violation.rule == .sourceRepos)
            #expect(violation.project == "team-a")
            #expect(violation.message.contains(url) && violation.message.contains("spec.sourceRepos"))
        }
    }

    static let inCluster = "https://kubernetes.default.svc"

    /// (destinations, server, name, namespace, allowed)
    static let destinationCases: [([ProjectDestination], String, String, String, Bool)] = [
        ([ProjectDestination(server: inCluster, namespace: "guestbook")], inCluster, "", "guestbook", true),
        ([ProjectDestination(server: inCluster, namespace: "guestbook")], inCluster, "", "other", false),
        ([ProjectDestination(server: inCluster, namespace: "guestbook")], "https://other", "", "guestbook", false),
        ([ProjectDestination(server: inCluster, namespace: "guestbook-*")], inCluster, "", "guestbook-eu", true),
        (
            [ProjectDestination(server: "https://*.example.com", namespace: "*")], "https://prod.example.com", "", "x",
            true
        ),
        ([ProjectDestination(name: "in-cluster", namespace: "*")], "", "in-cluster", "web", true),
        ([ProjectDestination(name: "in-cluster", namespace: "*")], inCluster, "", "web", false),  // name not set
        ([ProjectDestination(server: inCluster, namespace: "*")], "", "in-cluster", "web", false),  // server not set
        ([ProjectDestination(server: inCluster, name: "x", namespace: "*")], inCluster, "in-cluster", "web", true),
        ([ProjectDestination(server: "*", name: "*", namespace: "*")], "", "", "web", false),  // neither set
        ([], inCluster, "", "web", false),
        (
            [
                ProjectDestination(server: "*", namespace: "!kube-system"),
                ProjectDestination(server: "*", namespace: "*"),
            ],
            inCluster, "", "kube-system", false
        ),
        (
            [
                ProjectDestination(server: "*", namespace: "!kube-system"),
                ProjectDestination(server: "*", namespace: "*"),
            ],
            inCluster, "", "default", true
        ),
        (
            [
                ProjectDestination(server: "!https://team1-*", namespace: "*"),
                ProjectDestination(server: "*", namespace: "*"),
            ],
            "https://team1-prod", "", "default", false
        ),
        (
            [
                ProjectDestination(server: "!https://team1-*", namespace: "*"),
                ProjectDestination(server: "*", namespace: "*"),
            ],
            "https://team2-prod", "", "default", true
        ),
        // `!` alone permits the rest
        ([ProjectDestination(server: "*", namespace: "!kube-*")], inCluster, "", "default", true),
    ]

    @Test("destinations: server, name and namespace globs with negation", arguments: destinationCases)
    func destination(destinations: [ProjectDestination], server: String, name: String, namespace: String, allowed: Bool)
    {
        let project = AppProject(name: "team-a", destinations: destinations)
        let violation = project.checkDestination(server: server, name: name, namespace: namespace)
        #expect((violation == nil) == allowed)
        if let violation {
            #expect(violation.rule == .destinations)
            #expect(violation.message.contains("spec.destinations") && violation.message.contains("team-a"))
        }
    }

    static let anywhere = [ProjectDestination(server: "*", namespace: "*")]
    static let teamOnly = [ProjectDestination(server: inCluster, namespace: "team-a")]

    /// (project, group, kind, namespaced, namespace, name, refusing rule or nil)
    static let objects: [(String, AppProject, String, String, Bool, String, String, ProjectRule?)] = [
        ("default: cluster-scoped", .builtInDefault(namespace: "moor"), "", "Namespace", false, "", "x", nil),
        (
            "empty: no cluster-scoped kinds", AppProject(name: "p", destinations: anywhere), "", "Namespace", false, "",
            "x", .clusterResourceWhitelist
        ),
        (
            "empty: every namespaced kind", AppProject(name: "p", destinations: anywhere), "apps", "Deployment", true,
            "web", "x", nil
        ),
        (
            "whitelisted cluster kind",
            AppProject(
                name: "p", destinations: anywhere,
                clusterResourceWhitelist: [GroupKindPattern(group: "", kind: "Namespace")]),
            "", "Namespace", false, "", "x", nil
        ),
        (
            "group must match too",
            AppProject(
                name: "p", destinations: anywhere,
                clusterResourceWhitelist: [GroupKindPattern(group: "", kind: "Namespace")]),
            "example.com", "Namespace", false, "", "x", .clusterResourceWhitelist
        ),
        (
            "group glob",
            AppProject(
                name: "p", destinations: anywhere,
                clusterResourceWhitelist: [GroupKindPattern(group: "*.k8s.io", kind: "*")]),
            "rbac.authorization.k8s.io", "ClusterRole", false, "", "x", nil
        ),
        (
            "cluster blacklist beats whitelist",
            AppProject(
                name: "p", destinations: anywhere, clusterResourceWhitelist: [GroupKindPattern(group: "*", kind: "*")],
                clusterResourceBlacklist: [GroupKindPattern(group: "rbac.authorization.k8s.io", kind: "ClusterRole*")]),
            "rbac.authorization.k8s.io", "ClusterRoleBinding", false, "", "x", .clusterResourceBlacklist
        ),
        (
            "blacklist by name",
            AppProject(
                name: "p", destinations: anywhere,
                clusterResourceWhitelist: [GroupKindPattern(group: "", kind: "Namespace")],
                clusterResourceBlacklist: [GroupKindPattern(group: "", kind: "Namespace", name: "kube-*")]),
            "", "Namespace", false, "", "kube-public", .clusterResourceBlacklist
        ),
        (
            "blacklist by name, other name",
            AppProject(
                name: "p", destinations: anywhere,
                clusterResourceWhitelist: [GroupKindPattern(group: "", kind: "Namespace")],
                clusterResourceBlacklist: [GroupKindPattern(group: "", kind: "Namespace", name: "kube-*")]),
            "", "Namespace", false, "", "team-a", nil
        ),
        (
            "namespace whitelist allows",
            AppProject(
                name: "p", destinations: anywhere,
                namespaceResourceWhitelist: [GroupKindPattern(group: "apps", kind: "*")]),
            "apps", "Deployment", true, "web", "x", nil
        ),
        (
            "namespace whitelist refuses",
            AppProject(
                name: "p", destinations: anywhere,
                namespaceResourceWhitelist: [GroupKindPattern(group: "apps", kind: "*")]),
            "", "Secret", true, "web", "x", .namespaceResourceWhitelist
        ),
        (
            "namespace blacklist beats whitelist",
            AppProject(
                name: "p", destinations: anywhere,
                namespaceResourceWhitelist: [GroupKindPattern(group: "*", kind: "*")],
                namespaceResourceBlacklist: [GroupKindPattern(group: "", kind: "ResourceQuota")]),
            "", "ResourceQuota", true, "web", "x", .namespaceResourceBlacklist
        ),
        (
            "namespace blacklist alone",
            AppProject(
                name: "p", destinations: anywhere, namespaceResourceBlacklist: [GroupKindPattern(group: "*", kind: "*")]
            ),
            "", "ConfigMap", true, "web", "x", .namespaceResourceBlacklist
        ),
        (
            "kinds read as Go's filepath.Match: [^C] negates",
            AppProject(
                name: "p", destinations: anywhere,
                namespaceResourceBlacklist: [GroupKindPattern(group: "", kind: "[^C]*")]),
            "", "Secret", true, "web", "x", .namespaceResourceBlacklist
        ),
        (
            "kinds read as Go's filepath.Match: [^C] negates, ConfigMap passes",
            AppProject(
                name: "p", destinations: anywhere,
                namespaceResourceBlacklist: [GroupKindPattern(group: "", kind: "[^C]*")]),
            "", "ConfigMap", true, "web", "x", nil
        ),
        (
            "kinds read as Go's filepath.Match: braces are literal",
            AppProject(
                name: "p", destinations: anywhere,
                namespaceResourceBlacklist: [GroupKindPattern(group: "", kind: "{Secret,ConfigMap}")]),
            "", "Secret", true, "web", "x", nil
        ),
        (
            "object in a permitted namespace", AppProject(name: "p", destinations: teamOnly), "", "ConfigMap", true,
            "team-a", "x", nil
        ),
        (
            "object in another namespace", AppProject(name: "p", destinations: teamOnly), "", "ConfigMap", true,
            "team-b", "x", .destinations
        ),
        (
            "cluster-scoped objects have no namespace to check",
            AppProject(
                name: "p", destinations: teamOnly, clusterResourceWhitelist: [GroupKindPattern(group: "*", kind: "*")]),
            "", "Namespace", false, "", "x", nil
        ),
    ]

    @Test("cluster-scoped and namespaced kinds", arguments: objects)
    func object(
        name: String, project: AppProject, group: String, kind: String, namespaced: Bool, namespace: String,
        objectName: String, rule: ProjectRule?
    ) {
        let violation = project.checkObject(
            group: group, kind: kind, namespaced: namespaced, namespace: namespace, name: objectName,
            server: Self.inCluster, clusterName: "in-cluster")
        #expect(violation?.rule == rule, "\(name)")
    }

    @Test("a refused cluster-scoped object says what to change")
    func clusterMessage() throws {
        let violation = try #require(
            AppProject(name: "team-a").checkObject(
                group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding", namespaced: false, namespace: "",
                name: "x", server: Self.inCluster, clusterName: ""))
        #expect(
            violation.message
                == "ClusterRoleBinding rbac.authorization.k8s.io/ClusterRoleBinding \"x\" is cluster-scoped and "
                + "project team-a does not allow it: add it to spec.clusterResourceWhitelist")
    }

    /// (sourceNamespaces, application namespace, admitted)
    static let admissions: [([String], String, Bool)] = [
        ([], "moor", true),  // the controller's namespace may use any project
        ([], "", true),
        ([], "team-a", false),
        (["team-a"], "team-a", true),
        (["team-*"], "team-b", true),
        (["team-*"], "other", false),
        (["*"], "anything", true),
        (["/^team-(a|b)$/"], "team-b", true),  // a regular expression between slashes
        (["/^team-(a|b)$/"], "team-c", false),
        (["/prod/"], "shop-prod-eu", true),  // found anywhere, as Go's regexp.MatchString
    ]

    @Test("sourceNamespaces: which Applications may use the project", arguments: admissions)
    func admission(namespaces: [String], applicationNamespace: String, admitted: Bool) {
        let project = AppProject(name: "team-a", sourceNamespaces: namespaces)
        let violation = project.admits(applicationNamespace: applicationNamespace, controllerNamespace: "moor")
        #expect((violation == nil) == admitted)
        #expect(violation.map { $0.rule == .sourceNamespaces && $0.message.contains("spec.sourceNamespaces") } ?? true)
    }

    static let accounts = [
        DestinationServiceAccount(server: inCluster, namespace: "team-*", defaultServiceAccount: "deployer"),
        DestinationServiceAccount(server: inCluster, namespace: "team-a", defaultServiceAccount: "never-reached"),
        DestinationServiceAccount(server: "*", namespace: "*", defaultServiceAccount: "moor-system:fallback"),
    ]

    /// (server, namespace, expected (namespace, name))
    static let serviceAccounts: [(String, String, String?, String?)] = [
        (inCluster, "team-a", "team-a", "deployer"),  // first match, in the destination namespace
        (inCluster, "team-b", "team-b", "deployer"),
        ("https://other", "prod", "moor-system", "fallback"),  // namespace:name
        (inCluster, "prod", "moor-system", "fallback"),
    ]

    @Test("destinationServiceAccounts: first match names the ServiceAccount", arguments: serviceAccounts)
    func serviceAccount(server: String, namespace: String, accountNamespace: String?, accountName: String?) {
        let account = AppProject(name: "p", destinationServiceAccounts: Self.accounts)
            .serviceAccount(server: server, namespace: namespace)
        #expect(account?.namespace == accountNamespace)
        #expect(account?.name == accountName)
    }

    @Test("no destinationServiceAccounts entry matches")
    func noServiceAccount() {
        let project = AppProject(
            name: "p",
            destinationServiceAccounts: [
                DestinationServiceAccount(server: Self.inCluster, namespace: "team-a", defaultServiceAccount: "x")
            ])
        #expect(project.serviceAccount(server: Self.inCluster, namespace: "team-b") == nil)
        #expect(AppProject(name: "p").serviceAccount(server: Self.inCluster, namespace: "team-a") == nil)
    }
}

@Suite("Whether an Application may use a project")
struct ApplicationCheckTests {
    static let project = AppProject(
        name: "team-a", sourceRepos: ["https://github.com/team-a/*"],
        destinations: [ProjectDestination(server: "https://kubernetes.default.svc", namespace: "team-a")],
        sourceNamespaces: ["team-a-apps"])

    static func application(
        namespace: String = "moor", repos: [String] = ["https://github.com/team-a/web"],
        server: String =
            "https://kubernetes.default.svc", destinationNamespace: String = "team-a"
    ) -> Application {
        let sources = repos.map { ApplicationSource(repoURL: $0) }
        return Application(
            name: "web", namespace: namespace,
            spec: ApplicationSpec(
                source: sources[0], sources: sources.count > 1 ? sources : [],
                destination: ApplicationDestination(server: server, namespace: destinationNamespace),
                project: "team-a"))
    }

    /// (what, application, refusing rule or nil)
    static let cases: [(String, Application, ProjectRule?)] = [
        ("allowed", application(), nil),
        ("from an admitted namespace", application(namespace: "team-a-apps"), nil),
        ("from another namespace", application(namespace: "team-b-apps"), .sourceNamespaces),
        ("another repository", application(repos: ["https://github.com/team-b/web"]), .sourceRepos),
        (
            "a second source from another repository",
            application(repos: ["https://github.com/team-a/web", "https://github.com/team-b/values"]), .sourceRepos
        ),
        ("another namespace", application(destinationNamespace: "kube-system"), .destinations),
        ("another cluster", application(server: "https://prod.example.com"), .destinations),
    ]

    @Test("namespace, then sources, then destination", arguments: cases)
    func check(name: String, application: Application, rule: ProjectRule?) {
        #expect(Self.project.check(application, controllerNamespace: "moor")?.rule == rule, "\(name)")
    }
}
