// Package deploy holds Engage's deployment files (the Dockerfile, the docker
// compose stack with its Postgres and Ory Kratos configuration, and the
// Kubernetes manifests) and a test that parses them and checks that they
// agree with each other. It has no Go API; see README.md for operations.
package deploy
