# sctraced in a container. The BPF object is CO-RE: built once against the build host's BTF, it
# relocates on any BTF-enabled kernel at load time. deploy/image/build.sh builds this with buildah
# where no Docker engine runs, and its --run check traces through the result.
#
#   docker build -t sctrace:0.1.0 .
#   docker run --rm --pid=host --cap-drop ALL --cap-add BPF --cap-add PERFMON --cap-add SYS_ADMIN \
#     -v /sys/kernel/btf:/sys/kernel/btf:ro -v /sys/kernel/tracing:/sys/kernel/tracing:ro \
#     -v /run/sctrace:/run/sctrace sctrace:0.1.0
#
# --pid=host: pids in TraceSpec and in events are the host's. BPF and PERFMON load and attach the
# programs, SYS_ADMIN is what libbpf needs for the load (docs/container-capabilities.md).

# NODE_IMAGE: a Debian 12 image with Node 20 and npm in /usr/local (deploy/image/build.sh makes one
# from debootstrap where no registry of images can be reached).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang llvm bpftool libbpf-dev linux-libc-dev make \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# koffi's native binary comes as an optional dependency: do not omit optional packages. A build
# host whose registry traffic passes a TLS-inspecting proxy gives its CA bundle as the build secret
# `ca` (--secret id=ca,src=/etc/ssl/certs/ca-certificates.crt): used by this step, never stored.
RUN --mount=type=secret,id=ca if [ -f /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends libbpf1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/sctrace
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/proto ./proto
COPY --from=build /src/bpf/build/sctrace.bpf.o ./bpf/build/sctrace.bpf.o
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["--listen", "unix:/run/sctrace/sctrace.sock"]
