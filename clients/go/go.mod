module github.com/sctrace/sctrace/clients/go

go 1.19

// The versions Debian 12 packages (golang-google-grpc-dev, golang-google-protobuf-dev), which
// clients/go/test.sh builds against offline; with network access, `go mod tidy` fetches them.
require (
	google.golang.org/grpc v1.33.3
	google.golang.org/protobuf v1.28.1
)
