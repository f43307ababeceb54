# sysdist in a container: built with the same Debian 12 packages as bin/bootstrap, run on a
# slim Debian 12 as a non-root user, data in a volume. Where no registry is reachable,
# deploy/base-image.sh builds the two Debian 12 base images locally with debootstrap.
#   docker build -t sysdist .        (deploy/compose.yaml and deploy/k8s use that image)
# One node per container: MODE, SYSDIST_PEERS, SYSDIST_ADVERTISE and SYSDIST_SECRET from the
# environment (see deploy/); SIGTERM is a graceful shutdown, as everywhere.

FROM debian:12 AS build
WORKDIR /src
COPY bin/bootstrap bin/build bin/
RUN bin/bootstrap --build && rm -rf /var/lib/apt/lists/*
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake cmake
COPY src src
COPY web web
RUN cmake --preset release -DSYSDIST_TESTS=OFF >/dev/null \
 && cmake --build build/release --target sysdist -j2 \
 && strip build/release/sysdist

FROM debian:12-slim
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends libboost-json1.81.0 libboost-url1.81.0 \
      libboost-program-options1.81.0 libspdlog1.10 libfmt9 libtcmalloc-minimal4 libsnappy1v5 \
      liblz4-1 libzstd1 libbz2-1.0 zlib1g curl ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin sysdist \
 && mkdir -p /data && chown sysdist:sysdist /data && chmod 700 /data
COPY --from=build /src/build/release/sysdist /usr/local/bin/sysdist
USER sysdist
VOLUME /data
ENV SYSDIST_HOST=0.0.0.0 SYSDIST_DATA_DIR=/data SYSDIST_PORT=3001
EXPOSE 3001
HEALTHCHECK --interval=5s --timeout=2s --start-period=10s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${SYSDIST_PORT}/health" >/dev/null || exit 1
ENTRYPOINT ["/bin/sh", "-c", "exec sysdist \"$SYSDIST_PORT\" \"$@\"", "sysdist"]
