# sctraced in a container. The BPF object is CO-RE: built once against the build host's BTF, it
# relocates on any BTF-enabled kernel at load time.
#
#   docker build -t sctrace .
#   docker run --rm --privileged --pid=host \
#     -v /sys/kernel/btf:/sys/kernel/btf:ro -v /sys/kernel/tracing:/sys/kernel/tracing \
#     -v /run/sctrace:/run/sctrace sctrace
#
# --pid=host: pids in TraceSpec and in events are the host's. --privileged: loading BPF programs
# needs CAP_BPF, CAP_PERFMON and (for tracefs) CAP_SYS_ADMIN.

FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang llvm bpftool libbpf-dev linux-libc-dev make \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# koffi's native binary comes as an optional dependency: do not omit optional packages.
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
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
