/// What an API token may do. Each role includes the ones before it.
enum AccessRole: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Read everything its applications show: lists, status, diffs, history, trees, events.
    case viewer
    /// A viewer that may also sync, refresh, roll back and ask for previews.
    case `operator`
    /// Everything.
    case admin

    /// Whether this role may do `action`.
    func permits(_ action: AccessAction) -> Bool {
        self >= action.minimumRole
    }

    /// Ordered viewer < operator < admin.
    static func < (lhs: AccessRole, rhs: AccessRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A kind of request the API checks the caller's role for.
enum AccessAction: String, Sendable, Hashable, CaseIterable {
    /// Any `GET`.
    case read
    /// `POST …/sync`.
    case sync
    /// `POST …/refresh`.
    case refresh
    /// `POST …/rollback`.
    case rollback
    /// `POST /api/v1/previews` (renders a revision; the results are read as any `GET`).
    case preview

    /// The least role allowed to do it.
    var minimumRole: AccessRole {
        switch self {
        case .read: .viewer
        case .sync, .refresh, .rollback, .preview: .operator
        }
    }
}
