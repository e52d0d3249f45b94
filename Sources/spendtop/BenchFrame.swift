import SpendAggregation
import SpendDashboard
import SpendKafka

extension Bench {
    // MARK: 2. a dashboard frame at 200x60

    /// Times the steps of one dashboard frame over a one-hour window of `frameEvents` events:
    /// the window query, the rest of the frame's data (rates, tail, budgets), and drawing the
    /// cells at 200x60. The target applies to the drawing, from the frame's data to the cells.
    mutating func measureFrame() {
        let events = options.frameEvents
        progress("frame: loading \(events) events into a one-hour window")
        let traffic = BenchTraffic(spanSeconds: 3_600, messageCount: events)
        let engine = SpendEngine(configuration: EngineLimitOptions().configuration())
        let nowMilliseconds = traffic.startMilliseconds + traffic.spanSeconds * 1000
        var buffer: [UInt8] = []
        for index in 0..<events {
            buffer.removeAll(keepingCapacity: true)
            traffic.appendMessage(index, to: &buffer)
            _ = buffer.withUnsafeBufferPointer { engine.ingest(UnsafeBufferPointer(rebasing: $0.dropLast()), wallClockMilliseconds: nowMilliseconds) }
        }

        // Two budgets, so the budgets pane and its engine lookups are part of the frame.
        let budgets = ["total=5000/day", "org:org_0042=2/hour"].map { try! BudgetSpec.parse($0) }
        let builder = DashboardDataBuilder(budgets: budgets)
        let view = ViewState(window: .oneHour)
        let source = SourceFreshness(
            connection: "connected", health: .connected, lag: 0,
            description: "127.0.0.1:9092, topic \(KafkaSourceOptions.defaultTopic)"
        )
        let (width, height) = (200, 60)

        // One untimed frame first, so one-time setup is not counted.
        let warmUp = builder.build(engine: engine, view: view, nowMilliseconds: nowMilliseconds, source: source, eventsPerSecond: 1_000)
        _ = DashboardRenderer.render(data: warmUp, view: view, width: width, height: height)

        var queryTimes: [Double] = []
        var assembleTimes: [Double] = []
        var renderTimes: [Double] = []
        var wholeTimes: [Double] = []
        var unbudgetedTimes: [Double] = []
        var drawnCells = 0
        for _ in 0..<options.runs {
            let started = monotonicSeconds()
            let window = builder.queryWindow(engine: engine, view: view, nowMilliseconds: nowMilliseconds)
            let queried = monotonicSeconds()
            let data = builder.assemble(window, engine: engine, view: view, nowMilliseconds: nowMilliseconds, source: source, eventsPerSecond: 1_000)
            let assembled = monotonicSeconds()
            let frame = DashboardRenderer.render(data: data, view: view, width: width, height: height)
            let rendered = monotonicSeconds()
            queryTimes.append((queried - started) * 1000)
            assembleTimes.append((assembled - queried) * 1000)
            renderTimes.append((rendered - assembled) * 1000)
            wholeTimes.append((rendered - started) * 1000)
            drawnCells = frame.cells.count { $0.character != " " }
            precondition(data.result.total.requests > 0, "the frame's window contains no events")

            // The same data without budgets, to show what the two budgets cost.
            let unbudgetedStart = monotonicSeconds()
            _ = DashboardDataBuilder().assemble(window, engine: engine, view: view, nowMilliseconds: nowMilliseconds, source: source, eventsPerSecond: 1_000)
            unbudgetedTimes.append((monotonicSeconds() - unbudgetedStart) * 1000)
        }
        progress("frame: \(drawnCells) of \(width * height) cells drawn; the window contains \(engine.counts.events) events")
        progress("frame: medians: window query \(format(median(queryTimes), digits: 1)) ms, frame data \(format(median(assembleTimes), digits: 2)) ms (\(format(median(unbudgetedTimes), digits: 2)) ms without the two budgets)")

        let target = 5.0
        let render = median(renderTimes)
        rows.append(BenchRow(
            measurement: "2. frame render 200x60, data to cells, ms", value: format(render, digits: 2),
            target: "<= 5", ratio: format(render / target, digits: 2), met: render <= target ? "yes" : "no"
        ))
        rows.append(BenchRow(
            measurement: "2. frame data without window query, ms", value: format(median(assembleTimes), digits: 2),
            target: "-", ratio: "-", met: "-"
        ))
        rows.append(BenchRow(
            measurement: "2. whole frame with window query (1h), ms", value: format(median(wholeTimes), digits: 1),
            target: "-", ratio: "-", met: "-"
        ))
    }
}
