import Foundation
import Health
import Testing

@Suite("Health status vocabulary, order and aggregation")
struct HealthStatusTests {
    @Test("raw values are the names users see")
    func rawValues() {
        #expect(
            HealthStatus.allCases.map(\.rawValue) == [
                "Healthy", "Suspended", "Progressing", "Missing", "Degraded", "Unknown",
            ])
        #expect(HealthStatus(rawValue: "Degraded") == .degraded)
        #expect(HealthStatus(rawValue: "degraded") == nil)
        #expect("\(HealthStatus.progressing)" == "Progressing")
    }

    @Test("worse than: Healthy < Suspended < Progressing < Missing < Degraded < Unknown")
    func order() {
        let shuffled: [HealthStatus] = [.missing, .unknown, .healthy, .degraded, .progressing, .suspended]
        #expect(shuffled.sorted() == [.healthy, .suspended, .progressing, .missing, .degraded, .unknown])
        #expect(HealthStatus.degraded > .missing)
        #expect(HealthStatus.missing > .progressing)
        #expect(HealthStatus.suspended < .progressing)
        #expect(!(HealthStatus.healthy < .healthy))
    }

    @Test(
        "an application is as healthy as its worst object; objects without health do not count",
        arguments: [
            ([], HealthStatus.healthy),
            ([nil, nil], .healthy),
            ([.healthy, nil], .healthy),
            ([.healthy, .suspended], .suspended),
            ([.suspended, .progressing, .healthy], .progressing),
            ([.progressing, .missing], .missing),
            ([.missing, .degraded, .progressing], .degraded),
            ([.degraded, .unknown, nil], .unknown),
        ] as [([HealthStatus?], HealthStatus)]
    )
    func aggregate(statuses: [HealthStatus?], expected: HealthStatus) {
        let healths = statuses.map { $0.map { ObjectHealth(status: $0, message: "m") } }
        #expect(HealthStatus.aggregate(healths) == expected)
    }

    @Test("object health encodes as status and message")
    func codable() throws {
        let health = ObjectHealth(status: .degraded, message: "exceeded its progress deadline")
        let data = try JSONEncoder().encode(health)
        #expect(try JSONDecoder().decode(ObjectHealth.self, from: data) == health)
        #expect(String(decoding: data, as: UTF8.self).contains("\"Degraded\""))
        #expect(ObjectHealth(status: .healthy).message == "")
    }
}
