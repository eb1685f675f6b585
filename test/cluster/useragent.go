// Component names in User-Agent headers. The API server records a field manager for every update without one from
// the User-Agent's first segment, which client-go fills with the binary's name: in this one-process cluster that is
// test-cluster-<hash>, where a real cluster's controller manager and kubelets are kube-controller-manager and kubelet.
// The components that change objects tests look at (Deployment revisions and status, an HPA's scale, pod status) are
// named as on a real cluster, so attribution reads the same here.
package main

import (
	"net/http"
	"strings"

	"k8s.io/client-go/rest"
)

// userAgentOf is client-go's default User-Agent with the component's name in place of the binary's.
func userAgentOf(component string) string {
	return withComponent(rest.DefaultKubernetesUserAgent(), component)
}

// withComponent replaces the first segment of a User-Agent (`<command>/<version> (<os>/<arch>) kubernetes/<commit>`).
func withComponent(userAgent, component string) string {
	if _, tail, found := strings.Cut(userAgent, "/"); found {
		return component + "/" + tail
	}
	return component
}

// componentUserAgent names every request sent through a config after the component, whatever User-Agent the
// component's own code sets later (kube-controller-manager gives each controller's client one of its own).
func componentUserAgent(config *rest.Config, component string) {
	config.Wrap(func(next http.RoundTripper) http.RoundTripper {
		return roundTripperFunc(func(request *http.Request) (*http.Response, error) {
			request = request.Clone(request.Context())
			request.Header.Set("User-Agent", withComponent(request.Header.Get("User-Agent"), component))
			return next.RoundTrip(request)
		})
	})
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(request *http.Request) (*http.Response, error) { return f(request) }
