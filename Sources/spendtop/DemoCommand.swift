import Foundation
import SpendEvents
import SpendKafka

/// Publishes synthetic traffic to the embedded broker on its own thread, for `spendtop --demo`.
///
/// The rate is steady, with an incident every three minutes: one organization and model at
/// 20 times their usual rate for a minute, starting a minute after launch.
final class DemoEmitter: @unchecked Sendable {
    private let producer: KafkaProducer
    private let topic: String
    private let partitionCount: Int
    private let rate: Double
    private let stopFlag = StopFlag()
    private let log: LogFile
    private let finished = DispatchGroup()

    init(bootstrapServers: String, topic: String, rate: Double, log: LogFile) throws {
        producer = try KafkaProducer(bootstrapServers: bootstrapServers, properties: [], logFile: nil)
        partitionCount = try producer.partitionCount(topic: topic)
        self.topic = topic
        self.rate = rate
        self.log = log
    }

    /// Incidents every three minutes for the first hour, each on another organization and model.
    static func incidents(organizations: Int) -> [SyntheticIncident] {
        let models = SyntheticTraffic.modelNames
        return (0..<20).map { index in
            SyntheticIncident(
                organization: "district-\(1 + (index * 7 + 3) % organizations)",
                model: models[(index * 5 + 1) % models.count],
                multiplier: 20, afterMs: Int64(60_000 + index * 180_000), durationMs: 60_000
            )
        }
    }

    func start() {
        finished.enter()
        let thread = Thread { [self] in
            defer { finished.leave() }
            run()
        }
        thread.name = "spendtop-demo-emitter"
        thread.start()
    }

    private func run() {
        var traffic = SyntheticTraffic(seed: UInt64.random(in: 0...UInt64.max), organizations: 60, incidents: Self.incidents(organizations: 60))
        let start = Date()
        var paced = 0
        var sent = 0
        while !stopFlag.isSet {
            let now = Date()
            // Event number k is due at start + k / rate.
            let due = start.addingTimeInterval(Double(paced) / rate)
            if due > now {
                producer.poll()
                Thread.sleep(forTimeInterval: min(due.timeIntervalSince(now), 0.1))
                continue
            }
            let event = traffic.nextEvent(at: Int64(now.timeIntervalSince1970 * 1000))
            do {
                try producer.send(event.json, topic: topic, partition: Int32(sent % partitionCount))
            } catch {
                log.log(.warning, "demo event not sent", ["error": "\(error)"])
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            sent += 1
            if !event.isIncidentExtra { paced += 1 }
        }
    }

    func stop() {
        stopFlag.set()
        finished.wait()
        try? producer.flush()
        producer.close()
    }
}
