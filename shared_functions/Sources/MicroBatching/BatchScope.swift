/// Which records share a batch.
public enum BatchScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// One batch per window and message key, per partition. Partitions close independently, so
    /// the work spreads over any number of instances. Kafka's default partitioner keeps a key on one
    /// partition; a key found on several partitions gets one batch per partition.
    case key
    /// One batch per window for the whole topic. Closing waits for the slowest partition (stream
    /// time is the minimum over partitions, skipping idle ones), and one instance must own every
    /// partition.
    case global
}
