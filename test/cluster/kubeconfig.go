// The kubeconfig the cluster hands out: one cluster, the admin's context (current) and the restricted user's.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

const (
	clusterName       = "driftless"
	adminContext      = "driftless-admin"
	restrictedContext = "driftless-restricted"
)

func kubeconfig(server string, p *pki) (*clientcmdapi.Config, error) {
	ca, err := os.ReadFile(p.CACert)
	if err != nil {
		return nil, err
	}
	adminCert, err := os.ReadFile(p.AdminCert)
	if err != nil {
		return nil, err
	}
	adminKey, err := os.ReadFile(p.AdminKey)
	if err != nil {
		return nil, err
	}
	config := clientcmdapi.NewConfig()
	config.Clusters[clusterName] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	config.AuthInfos[adminUser] = &clientcmdapi.AuthInfo{ClientCertificateData: adminCert, ClientKeyData: adminKey}
	config.AuthInfos[restrictedUser] = &clientcmdapi.AuthInfo{Token: p.RestrictedToken}
	config.Contexts[adminContext] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: adminUser, Namespace: "default"}
	config.Contexts[restrictedContext] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: restrictedUser,
		Namespace: "default"}
	config.CurrentContext = adminContext
	return config, nil
}

// checkKubeconfigPath refuses a file that holds other contexts than this cluster's: pointing --kubeconfig at
// ~/.kube/config by mistake must not lose the user's clusters.
func checkKubeconfigPath(path string) error {
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return os.MkdirAll(filepath.Dir(path), 0o700)
	}
	existing, err := clientcmd.LoadFromFile(path)
	if err != nil {
		return fmt.Errorf("--kubeconfig %s exists and is not a kubeconfig this cluster wrote (%v): name a new file", path, err)
	}
	var others []string
	for name := range existing.Contexts {
		if name != adminContext && name != restrictedContext {
			others = append(others, name)
		}
	}
	if len(others) > 0 {
		sort.Strings(others)
		return fmt.Errorf("--kubeconfig %s holds other contexts (%v): name a new file, this one is not overwritten", path, others)
	}
	return nil
}

// writeKubeconfig writes beside the target and renames, so a reader never sees half a file.
func writeKubeconfig(config *clientcmdapi.Config, path string) error {
	partial := path + ".partial"
	if err := clientcmd.WriteToFile(*config, partial); err != nil {
		return err
	}
	return os.Rename(partial, path)
}
