internal import MoorCore

extension NotificationRequest {
    /// The longest diff a comment carries, in characters: GitHub refuses a comment over 65,536, and the
    /// rest of the comment needs room.
    static let commentDiffLimit = 60_000

    /// The comment `endpoint` (a `github`, `gitlab` or `gitea` provider) posts on the pull request of a
    /// preview event: an issue comment on GitHub and Gitea, a merge-request note on GitLab. `nil` for
    /// another event, one without a pull request, or a repository that cannot be read from `repoURL`.
    static func pullRequestComment(_ event: NotificationEvent, endpoint: ProviderEndpoint) -> NotificationRequest? {
        guard event.kind.isPreview, let number = event.pullRequest,
            let api = GitHostAPI(endpoint: endpoint, repoURL: event.repoURL)
        else { return nil }
        return NotificationRequest(
            url: api.commentURL(number), json: ["body": .string(commentBody(event))], headers: api.headers)
    }

    /// The comment's Markdown: a heading naming the application and the commit, the message, the diff in a
    /// collapsed `diff` block (cut at ``commentDiffLimit`` characters, saying so), and the link to the
    /// preview in the web UI.
    static func commentBody(_ event: NotificationEvent) -> String {
        let verdict = event.kind == .previewFailed ? "preview failed" : "preview"
        var body = "### Moor \(verdict): \(event.application)"
        if !event.revision.isEmpty { body += " at `\(event.revision.prefix(12))`" }
        body += "\n\n\(event.message)\n"
        if !event.details.isEmpty {
            var diff = String(event.details.prefix(commentDiffLimit))
            let cut = diff.count < event.details.count
            if !diff.hasSuffix("\n") { diff += "\n" }
            // A fence longer than any run of backticks in the diff, so no line of it can close the block.
            let fence = String(repeating: "`", count: max(3, longestBacktickRun(in: diff) + 1))
            body += "\n<details><summary>Diff</summary>\n\n\(fence)diff\n\(diff)\(fence)\n"
            if cut {
                body += "\nThe diff is cut at \(commentDiffLimit) characters"
                body +=
                    event.url == nil ? "; `moor preview` shows all of it.\n" : "; the preview's page shows all of it.\n"
            }
            body += "</details>\n"
        }
        if let url = event.url { body += "\n[Open the preview in Moor](\(url))\n" }
        return body
    }

    /// The length of the longest run of backticks in `text`.
    private static func longestBacktickRun(in text: String) -> Int {
        var longest = 0
        var run = 0
        for character in text {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return longest
    }
}
