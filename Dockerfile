# The clusterctl image: the native binary on a small Debian, with the OpenSSH client it drives the nodes through.
#   docker build -t clusterctl:0.1.0 .
# The build stage runs the same ./build.sh native as a release, so the image holds the binary a release ships.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# .git is part of the context: the binary reports the commit it was built from, and that commit's date.
RUN ./build.sh native linux-x64

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 clusterctl
COPY --from=build /src/artifacts/native/linux-x64/clusterctl /usr/local/bin/clusterctl
USER clusterctl
WORKDIR /home/clusterctl
ENTRYPOINT ["/usr/local/bin/clusterctl"]
CMD ["--help"]
