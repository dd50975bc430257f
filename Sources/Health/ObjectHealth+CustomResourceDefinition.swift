extension ObjectHealth {
    /// CustomResourceDefinition, by its conditions: none yet → progressing; `Terminating` true →
    /// progressing; `NamesAccepted` false (a name clashes with another definition) → degraded; `Established`
    /// not reported yet, or false with reason `Installing` → progressing; `Established` otherwise not true →
    /// degraded; `NonStructuralSchema` true → degraded; otherwise healthy.
    ///
    /// Argo CD calls a definition that is not established yet degraded; the API server reports `Installing`
    /// for a moment after every create, so Moor waits instead.
    static func customResourceDefinition(_ definition: LiveObject) -> ObjectHealth {
        if definition.conditions.isEmpty {
            return .progressing("Waiting for the definition to be processed")
        }
        if let terminating = definition.condition("Terminating"), terminating.isTrue {
            return .progressing("Definition is terminating: \(terminating.message)")
        }
        if let names = definition.condition("NamesAccepted"), names.isFalse {
            return .degraded("Names have not been accepted: \(names.message)")
        }
        guard let established = definition.condition("Established") else {
            return .progressing("Waiting for the definition to be established")
        }
        if !established.isTrue {
            let message = "Definition is not established: \(established.summary)"
            return established.reason == "Installing" ? .progressing(message) : .degraded(message)
        }
        if let violations = definition.condition("NonStructuralSchema"), violations.isTrue {
            return .degraded("Schema is not structural: \(violations.message)")
        }
        return .healthy("Definition is established")
    }
}
