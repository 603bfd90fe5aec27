import CRdKafka

/// The librdkafka this process runs, and the oldest one the code accepts.
///
/// The project pins one version (2.8.0, built by `scripts/build-librdkafka.sh` and linked
/// statically), so the version is fixed at build time; every client is still checked when it is
/// created, so a build against an older library (a distribution's 2.0.2, say) is refused with
/// instructions instead of running into that version's known aborts.
public enum KafkaLibrary {
    /// The oldest librdkafka the code is written for, as `rd_kafka_version()` encodes it
    /// (`0xMMmmrrpp`: major, minor, revision, pre-release, `ff` for a release).
    public static let minimumVersion: Int32 = 0x0208_00ff

    /// `rd_kafka_version_str()`, e.g. `2.8.0`.
    public static var version: String { String(cString: rd_kafka_version_str()) }

    /// `rd_kafka_version()`.
    public static var encodedVersion: Int32 { rd_kafka_version() }

    /// Throws unless the running librdkafka is at least ``minimumVersion``.
    public static func requireSupportedVersion() throws(KafkaError) {
        try requireSupported(encodedVersion: encodedVersion, named: version)
    }

    /// The check behind ``requireSupportedVersion()``, for any encoded version.
    static func requireSupported(encodedVersion: Int32, named name: String) throws(KafkaError) {
        guard encodedVersion < minimumVersion else { return }
        throw KafkaError.usage(
            "load librdkafka",
            "librdkafka \(name) is older than \(versionText(minimumVersion)), the oldest this build supports; "
                + "build the pinned version with scripts/build-librdkafka.sh (or `make librdkafka`) and rebuild with "
                + "the PKG_CONFIG_PATH it prints")
    }

    /// `major.minor.revision` of an encoded version.
    static func versionText(_ encoded: Int32) -> String {
        "\((encoded >> 24) & 0xff).\((encoded >> 16) & 0xff).\((encoded >> 8) & 0xff)"
    }
}
