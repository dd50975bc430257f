extension ObjectHealth {
    /// Namespace: `Terminating` (its contents are being deleted) → progressing; otherwise healthy.
    static func namespace(_ namespace: LiveObject) -> ObjectHealth {
        if namespace.string("status", "phase") == "Terminating" {
            return .progressing("Namespace is terminating")
        }
        return .healthy("")
    }
}
