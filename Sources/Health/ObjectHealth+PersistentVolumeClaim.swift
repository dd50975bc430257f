extension ObjectHealth {
    /// PersistentVolumeClaim, by phase: `Bound` → healthy, `Pending` → progressing, `Lost` (its volume is
    /// gone) → degraded, anything else → unknown.
    static func persistentVolumeClaim(_ claim: LiveObject) -> ObjectHealth {
        switch claim.string("status", "phase") {
        case "Bound": .healthy("Bound to volume \(claim.string("spec", "volumeName"))")
        case "Pending": .progressing("Waiting for a volume to be bound")
        case "Lost": .degraded("The bound volume is lost")
        case let phase: .unknown("Unexpected phase \"\(phase)\"")
        }
    }
}
