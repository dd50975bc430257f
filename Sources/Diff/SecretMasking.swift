public import MoorCore

/// Hides the values of `v1` `Secret`s before anything is shown, while keeping visible which keys exist and
/// whether a key's value differs between versions.
///
/// Each value in `data` and `stringData` is replaced by a run of `+`: per key, the first distinct value
/// met gets eight, the next a run one longer, and so on, so equal values get equal masks and different
/// values different ones. The mask's length says nothing about the value. Applied after comparing, so
/// comparisons see the real values.
public enum SecretMasking {
    /// The members whose values are masked.
    public static let maskedFields = ["data", "stringData"]
    /// The mask of the first distinct value of a key.
    public static let firstMask = "++++++++"

    /// Whether `object` is a core `Secret`.
    public static func isSecret(_ object: JSONValue) -> Bool {
        object["kind"] == "Secret" && object["apiVersion"] == "v1"
    }

    /// `versions` of one object (say the desired and the live one) with their secret values masked
    /// together, as described above; objects that are not Secrets pass through unchanged.
    public static func mask(_ versions: [JSONValue?]) -> [JSONValue?] {
        var masks: [String: [JSONValue: String]] = [:]
        return versions.map { version in
            guard var object = version, isSecret(object) else { return version }
            for field in maskedFields {
                guard let values = object[field]?.objectValue else { continue }
                var masked = JSONObject()
                for (key, value) in values {
                    var known = masks[key, default: [:]]
                    let mask = known[value] ?? firstMask + String(repeating: "+", count: known.count)
                    known[value] = mask
                    masks[key] = known
                    masked[key] = .string(mask)
                }
                object[field] = .object(masked)
            }
            return object
        }
    }
}
