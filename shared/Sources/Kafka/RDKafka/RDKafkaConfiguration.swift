import CRdKafka

enum RDKafkaConfiguration {
    /// A new `rd_kafka_conf_t` with every property applied; the first refused property is reported by name.
    static func make(_ properties: [String: String]) throws -> OpaquePointer {
        guard let configuration = rd_kafka_conf_new() else {
            throw KafkaError.clientCreation(reason: "rd_kafka_conf_new returned nothing")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(configuration, name, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(configuration)
                throw KafkaError.invalidConfiguration(property: name, reason: String(errorBuffer: errorText))
            }
        }
        return configuration
    }
}

extension String {
    /// Text librdkafka wrote into a fixed error buffer.
    init(errorBuffer: [CChar]) {
        self.init(decoding: errorBuffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
