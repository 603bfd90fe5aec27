#!/usr/bin/env bash
# Builds the project's one pinned librdkafka (2.8.0) from Debian's source package into a prefix
# outside version control, as a static library with its pkg-config file, so that every build of
# the processing module (development, tests, CI, benchmarks, the Docker images) links the same
# client and the binaries need no librdkafka at run time.
#
#   scripts/build-librdkafka.sh [PREFIX]      default: $LIBRDKAFKA_PREFIX, else .deps/librdkafka-2.8.0
#
# Then build with PKG_CONFIG_PATH=PREFIX/lib/pkgconfig (the Makefile sets it).
#
# - A prefix that already holds a verified 2.8.0 is left as it is: a second run is a no-op.
# - The source comes from Debian 13 (trixie) through apt's source client with a private
#   configuration (its own sources file, lists and cache in a temporary folder): the machine's apt
#   sources are never changed. apt checks the package files against the signed release index.
# - Build dependencies (compiler, make, dpkg-source, the compression and TLS headers) are
#   installed with apt-get when missing; GSSAPI (Cyrus SASL) and libcurl (OIDC) are left out.
# - The prefix keeps only the static archive (`-lrdkafka` cannot pick a shared one) and
#   `rdkafka-static.pc`, whose Libs line names `-lrdkafka` (SwiftPM ignores bare archive paths).
# - The result is verified by compiling and running a program against it that prints
#   `rd_kafka_version_str()`.
set -euo pipefail

version=2.8.0
repository=$(cd "$(dirname "$0")/.." && pwd)
prefix=${1:-${LIBRDKAFKA_PREFIX:-$repository/.deps/librdkafka-$version}}
stamp="$prefix/.librdkafka-$version-verified"

say() { echo "librdkafka: $*"; }

if [ -f "$stamp" ] && [ -f "$prefix/lib/librdkafka.a" ] && [ -f "$prefix/lib/pkgconfig/rdkafka-static.pc" ]; then
    say "$version already built in $prefix"
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

needed=()
for package in gcc make dpkg-dev pkg-config liblz4-dev libzstd-dev libssl-dev zlib1g-dev debian-archive-keyring; do
    dpkg -s "$package" >/dev/null 2>&1 || needed+=("$package")
done
if ((${#needed[@]} > 0)); then
    say "installing build dependencies: ${needed[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${needed[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sources.d" "$work/lists/partial" "$work/cache/archives/partial" "$work/source"
cat >"$work/sources.d/trixie-source.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_private=(
    -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$work/sources.d"
    -o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache"
    -o APT::Sandbox::User=root
)

say "reading Debian 13's source index (private apt configuration in $work)"
apt-get "${apt_private[@]}" update -qq
# The newest Debian revision of upstream $version (2.8.0-1 today; a stable update would be 2.8.0-1+deb13uN).
debian_version=$(apt-cache "${apt_private[@]}" showsrc librdkafka | sed -n 's/^Version: //p' | grep "^$version-" | sort -V | tail -n 1 || true)
if [ -z "$debian_version" ]; then
    echo "librdkafka: Debian 13 offers no source package of librdkafka $version; versions offered:" >&2
    apt-cache "${apt_private[@]}" showsrc librdkafka | sed -n 's/^Version: /  /p' >&2
    echo "Pin another version in scripts/build-librdkafka.sh, or build $version into $prefix by hand." >&2
    exit 1
fi

say "downloading and unpacking the source package librdkafka $debian_version"
(cd "$work/source" && apt-get "${apt_private[@]}" source -qq "librdkafka=$debian_version" >/dev/null)
source_directory="$work/source/librdkafka-$version"
[ -d "$source_directory" ] || { echo "librdkafka: $source_directory was not unpacked" >&2; exit 1; }

say "building $version into $prefix (about 30 s on 2 cores)"
rm -rf "$prefix"
(
    cd "$source_directory"
    ./configure --prefix="$prefix" --disable-gssapi --disable-curl >"$work/configure.log" 2>&1 \
        || { cat "$work/configure.log" >&2; exit 1; }
    make -j"$(nproc)" -C src >"$work/make.log" 2>&1 || { tail -n 50 "$work/make.log" >&2; exit 1; }
    make -C src install >"$work/install.log" 2>&1 || { tail -n 50 "$work/install.log" >&2; exit 1; }
)

# Static only: without the shared objects, -lrdkafka resolves to librdkafka.a.
rm -f "$prefix"/lib/librdkafka.so* "$prefix/lib/librdkafka-static.a" "$prefix/lib/pkgconfig/rdkafka.pc"
sed -i 's|^Libs: .*|Libs: -L${libdir} -lrdkafka -lm -ldl -lpthread -lrt|' "$prefix/lib/pkgconfig/rdkafka-static.pc"

say "verifying the build"
cat >"$work/version.c" <<'EOF'
#include <stdio.h>
#include <librdkafka/rdkafka.h>
int main(void) { printf("%s\n", rd_kafka_version_str()); return 0; }
EOF
# shellcheck disable=SC2046
gcc -o "$work/version" "$work/version.c" $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs rdkafka-static)
built=$("$work/version")
if [ "$built" != "$version" ]; then
    echo "librdkafka: the build in $prefix reports version '$built', expected $version" >&2
    exit 1
fi
if ldd "$work/version" | grep -q librdkafka; then
    echo "librdkafka: the check program links a shared librdkafka; the prefix must hold only the static one" >&2
    exit 1
fi
echo "$debian_version" >"$stamp"
say "$version ready in $prefix (static; PKG_CONFIG_PATH=$prefix/lib/pkgconfig)"
