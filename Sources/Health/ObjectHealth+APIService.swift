extension ObjectHealth {
    /// APIService (`apiregistration.k8s.io` `v1` and `v1beta1`): the `Available` condition true → healthy;
    /// false, unknown or not reported yet → progressing.
    static func apiService(_ service: LiveObject) -> ObjectHealth {
        guard let available = service.condition("Available") else {
            return .progressing("Waiting to be processed")
        }
        return available.isTrue ? .healthy(available.summary) : .progressing(available.summary)
    }
}
