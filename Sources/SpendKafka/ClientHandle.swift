import CRdKafka
import Foundation

/// The Swift side of one librdkafka handle's callbacks.
///
/// librdkafka passes it back to the C callbacks as the handle's opaque pointer
/// (`rd_kafka_conf_set_opaque`). The handle keeps one retained reference, released in
/// `ClientHandle.destroy()` after `rd_kafka_destroy` has returned, so no callback can run later.
final class ClientCallbacks: @unchecked Sendable {
    let logFile: KafkaLogFile?
    /// Called with librdkafka's error code and reason text, on the thread that calls `rd_kafka_poll`.
    var onError: (@Sendable (rd_kafka_resp_err_t, String) -> Void)?
    /// Called with each statistics JSON document, on the thread that calls `rd_kafka_poll`.
    var onStatistics: (@Sendable ([UInt8]) -> Void)?
    /// Called with each delivery report's error code (`RD_KAFKA_RESP_ERR_NO_ERROR` on success).
    var onDelivery: (@Sendable (rd_kafka_resp_err_t) -> Void)?

    init(logFile: KafkaLogFile?) {
        self.logFile = logFile
    }
}

/// An owned librdkafka handle (`rd_kafka_t`) with its callbacks. Internal: no C pointer leaves
/// this module.
final class ClientHandle: @unchecked Sendable {
    /// The `rd_kafka_t`, owned by this object and destroyed by `destroy()`.
    let pointer: OpaquePointer
    let callbacks: ClientCallbacks
    private let retainedCallbacks: Unmanaged<ClientCallbacks>
    private let lock = NSLock()
    private var destroyed = false

    /// Creates a consumer or producer handle from `properties`, applied in order.
    ///
    /// The callbacks must be set before this call: librdkafka installs only the C callbacks whose
    /// Swift closure exists, so a producer without `onDelivery` gets no delivery reports.
    init(type: rd_kafka_type_t, properties: [KafkaProperty], callbacks: ClientCallbacks) throws {
        // The configuration object is ours until rd_kafka_new succeeds, which takes ownership of it;
        // on every failure path it must be destroyed here.
        guard let configuration = rd_kafka_conf_new() else {
            throw KafkaError(.clientCreation, "librdkafka could not allocate a configuration object.")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        for property in properties {
            let result = rd_kafka_conf_set(configuration, property.name, property.value, &errorText, errorText.count)
            guard result == RD_KAFKA_CONF_OK else {
                rd_kafka_conf_destroy(configuration)
                // librdkafka's text may quote the value, so a secret's text is replaced.
                let reason = property.isSecret ? "the value is invalid" : KafkaError.text(ofBuffer: errorText)
                throw KafkaError(.invalidProperty, "librdkafka rejected the property \(property.description): \(reason). Check the -X and -F properties against librdkafka's CONFIGURATION.md.")
            }
        }

        let retained = Unmanaged.passRetained(callbacks)
        rd_kafka_conf_set_opaque(configuration, retained.toOpaque())
        // The log callback is always set: without it librdkafka prints to stderr, which would
        // corrupt a terminal dashboard. librdkafka may call it from any of its threads.
        rd_kafka_conf_set_log_cb(configuration) { handle, level, facility, message in
            guard let handle, let opaque = rd_kafka_opaque(handle) else { return }
            let callbacks = Unmanaged<ClientCallbacks>.fromOpaque(opaque).takeUnretainedValue()
            callbacks.logFile?.write(
                severity: KafkaLogFile.severityName(level: level),
                facility: facility.map { String(cString: $0) } ?? "-",
                message: message.map { String(cString: $0) } ?? ""
            )
        }
        if callbacks.onError != nil {
            rd_kafka_conf_set_error_cb(configuration) { _, code, reason, opaque in
                guard let opaque else { return }
                let callbacks = Unmanaged<ClientCallbacks>.fromOpaque(opaque).takeUnretainedValue()
                callbacks.onError?(rd_kafka_resp_err_t(rawValue: code), reason.map { String(cString: $0) } ?? "")
            }
        }
        if callbacks.onStatistics != nil {
            rd_kafka_conf_set_stats_cb(configuration) { _, json, length, opaque in
                guard let opaque, let json else { return 0 }
                let callbacks = Unmanaged<ClientCallbacks>.fromOpaque(opaque).takeUnretainedValue()
                let bytes = json.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
                callbacks.onStatistics?(bytes)
                // Returning 0 makes librdkafka free the JSON buffer itself.
                return 0
            }
        }
        if callbacks.onDelivery != nil {
            rd_kafka_conf_set_dr_msg_cb(configuration) { _, message, opaque in
                guard let opaque, let message else { return }
                let callbacks = Unmanaged<ClientCallbacks>.fromOpaque(opaque).takeUnretainedValue()
                callbacks.onDelivery?(message.pointee.err)
            }
        }

        guard let handle = rd_kafka_new(type, configuration, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(configuration)
            retained.release()
            throw KafkaError(.clientCreation, "librdkafka could not create a client: \(KafkaError.text(ofBuffer: errorText)).")
        }
        self.pointer = handle
        self.callbacks = callbacks
        self.retainedCallbacks = retained
    }

    /// Destroys the handle, waiting for librdkafka's threads to end, then releases the callbacks.
    /// Later calls do nothing.
    func destroy() {
        lock.lock()
        defer { lock.unlock() }
        guard !destroyed else { return }
        destroyed = true
        rd_kafka_destroy(pointer)
        retainedCallbacks.release()
    }

    deinit {
        destroy()
    }

    /// Returns the partition count of each topic in `topics`, read with a metadata request.
    /// A topic that the cluster does not have is left out.
    func partitionCounts(topics: [String], timeoutMs: Int32) throws -> [String: Int32] {
        var counts: [String: Int32] = [:]
        for topic in topics {
            // The topic handle is reference-counted by librdkafka; ours is released by the defer.
            guard let topicHandle = rd_kafka_topic_new(pointer, topic, nil) else {
                throw KafkaError(.request, "librdkafka could not create a handle for topic '\(topic)'.")
            }
            defer { rd_kafka_topic_destroy(topicHandle) }

            // The metadata result is allocated by librdkafka and freed by the defer.
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let result = rd_kafka_metadata(pointer, 0, topicHandle, &metadata, timeoutMs)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
                throw KafkaError(.request, "the metadata request for topic '\(topic)' failed: \(KafkaError.text(of: result)).")
            }
            defer { rd_kafka_metadata_destroy(metadata) }

            for index in 0..<Int(metadata.pointee.topic_cnt) {
                let entry = metadata.pointee.topics[index]
                guard String(cString: entry.topic) == topic, entry.err == RD_KAFKA_RESP_ERR_NO_ERROR, entry.partition_cnt > 0 else { continue }
                counts[topic] = entry.partition_cnt
            }
        }
        return counts
    }
}
