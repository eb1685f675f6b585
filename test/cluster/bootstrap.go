// What the cluster holds before it is announced ready: the Argo CD and Flux CRDs (crds/, Established) and the
// namespace and RBAC of bootstrap.yaml.
package main

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensions "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"sigs.k8s.io/yaml"
)

// Embedded, so the binary needs no checkout beside it.
//
//go:embed crds bootstrap.yaml
var manifests embed.FS

// fieldManager names this program in the managedFields of what it applies.
const fieldManager = "driftless-test-cluster"

// installBootstrap applies the CRDs, waits until each is Established, then applies bootstrap.yaml.
func installBootstrap(ctx context.Context, config *rest.Config) error {
	dyn, err := dynamic.NewForConfig(config)
	if err != nil {
		return err
	}
	crdClient, err := apiextensions.NewForConfig(config)
	if err != nil {
		return err
	}
	disco, err := discovery.NewDiscoveryClientForConfig(config)
	if err != nil {
		return err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disco))

	var crds []*unstructured.Unstructured
	err = fs.WalkDir(manifests, "crds", func(path string, entry fs.DirEntry, err error) error {
		if err != nil || entry.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		objects, err := readManifests(path)
		crds = append(crds, objects...)
		return err
	})
	if err != nil {
		return err
	}
	if err := apply(ctx, dyn, mapper, crds); err != nil {
		return err
	}
	for _, crd := range crds {
		if err := waitEstablished(ctx, crdClient, crd.GetName()); err != nil {
			return err
		}
	}
	// The CRDs' groups are new to discovery; bootstrap.yaml's kinds are all built in, but start afresh anyway.
	mapper.Reset()
	objects, err := readManifests("bootstrap.yaml")
	if err != nil {
		return err
	}
	return apply(ctx, dyn, mapper, objects)
}

// readManifests decodes the YAML documents of an embedded file.
func readManifests(path string) ([]*unstructured.Unstructured, error) {
	data, err := manifests.ReadFile(path)
	if err != nil {
		return nil, err
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objects []*unstructured.Unstructured
	for {
		doc, err := reader.Read()
		if err == io.EOF {
			return objects, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		var object map[string]interface{}
		if err := yaml.Unmarshal(doc, &object); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(object) > 0 {
			objects = append(objects, &unstructured.Unstructured{Object: object})
		}
	}
}

// apply creates or updates each object with server-side apply (so a --state cluster started again takes the
// manifests of this build).
func apply(ctx context.Context, dyn dynamic.Interface, mapper *restmapper.DeferredDiscoveryRESTMapper, objects []*unstructured.Unstructured) error {
	force := true
	for _, object := range objects {
		gvk := object.GroupVersionKind()
		mapping, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return fmt.Errorf("%s %s: %w", gvk.Kind, object.GetName(), err)
		}
		body, err := object.MarshalJSON()
		if err != nil {
			return err
		}
		resource := dyn.Resource(mapping.Resource).Namespace(object.GetNamespace())
		_, err = resource.Patch(ctx, object.GetName(), types.ApplyPatchType, body,
			metav1.PatchOptions{FieldManager: fieldManager, Force: &force})
		if err != nil {
			return fmt.Errorf("applying %s %s: %w", gvk.Kind, object.GetName(), err)
		}
	}
	return nil
}

func waitEstablished(ctx context.Context, client apiextensions.Interface, name string) error {
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		crd, err := client.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, nil
		}
		for _, condition := range crd.Status.Conditions {
			if condition.Type == apiextensionsv1.Established && condition.Status == apiextensionsv1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return fmt.Errorf("CRD %s not Established: %w", name, err)
	}
	return nil
}

// waitServiceAccounts waits for the controller manager to have made each namespace's "default" ServiceAccount:
// until then the API server rejects pods there, which a test applying a Pod right after "ready" would trip on.
func waitServiceAccounts(ctx context.Context, client kubernetes.Interface, namespaces ...string) error {
	for _, namespace := range namespaces {
		err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
			_, err := client.CoreV1().ServiceAccounts(namespace).Get(ctx, "default", metav1.GetOptions{})
			return err == nil, nil
		})
		if err != nil {
			return fmt.Errorf("no default ServiceAccount in namespace %s: %w", namespace, err)
		}
	}
	return nil
}
