// Credentials of the test cluster: a throwaway CA, the API server's serving certificate, the admin's client
// certificate, the service-account signing key and the restricted user's static token.
package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"k8s.io/client-go/util/cert"
	"k8s.io/client-go/util/keyutil"
)

const (
	adminUser      = "driftless-admin"
	restrictedUser = "driftless-restricted"
	// restrictedGroup is the group of the restricted user's token, the subject its RoleBindings name.
	restrictedGroup = "driftless:restricted"
	// serviceIP is the first address of serviceCIDR: the "kubernetes" Service's ClusterIP, which in-cluster
	// clients dial, so the serving certificate names it.
	serviceCIDR = "10.96.0.0/16"
	serviceIP   = "10.96.0.1"
)

// pki holds the paths of the files the components read, all inside one directory.
type pki struct {
	CACert, CAKey         string
	ServingCert, ServingK string
	AdminCert, AdminKey   string
	SAKey, SAPub          string
	TokenFile             string
	RestrictedToken       string
}

// loadOrCreatePKI makes the files in dir, or keeps those a previous run with the same --state made, so that a
// kubeconfig written then still works.
func loadOrCreatePKI(dir string) (*pki, error) {
	p := &pki{
		CACert: filepath.Join(dir, "ca.crt"), CAKey: filepath.Join(dir, "ca.key"),
		ServingCert: filepath.Join(dir, "apiserver.crt"), ServingK: filepath.Join(dir, "apiserver.key"),
		AdminCert: filepath.Join(dir, "admin.crt"), AdminKey: filepath.Join(dir, "admin.key"),
		SAKey: filepath.Join(dir, "sa.key"), SAPub: filepath.Join(dir, "sa.pub"),
		TokenFile: filepath.Join(dir, "tokens.csv"),
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if !exists(p.CACert) || !exists(p.CAKey) {
		key, err := newKey()
		if err != nil {
			return nil, err
		}
		ca, err := cert.NewSelfSignedCACert(cert.Config{CommonName: "driftless-test-ca"}, key)
		if err != nil {
			return nil, err
		}
		if err := writeCertAndKey(p.CACert, p.CAKey, ca, key); err != nil {
			return nil, err
		}
	}
	ca, caKey, err := readCertAndKey(p.CACert, p.CAKey)
	if err != nil {
		return nil, fmt.Errorf("reading the CA: %w", err)
	}
	if !exists(p.ServingCert) {
		err := issue(ca, caKey, p.ServingCert, p.ServingK, x509.Certificate{
			Subject:     pkix.Name{CommonName: "kube-apiserver"},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			DNSNames: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
				"kubernetes.default.svc.cluster.local"},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1"), net.ParseIP(serviceIP)},
		})
		if err != nil {
			return nil, err
		}
	}
	if !exists(p.AdminCert) {
		// system:masters is the group the API server never asks RBAC about: the admin of a fresh cluster.
		err := issue(ca, caKey, p.AdminCert, p.AdminKey, x509.Certificate{
			Subject:     pkix.Name{CommonName: adminUser, Organization: []string{"system:masters"}},
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		})
		if err != nil {
			return nil, err
		}
	}
	if !exists(p.SAKey) {
		key, err := newKey()
		if err != nil {
			return nil, err
		}
		if err := writeKey(p.SAKey, key); err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKIXPublicKey(key.Public())
		if err != nil {
			return nil, err
		}
		pub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		if err := os.WriteFile(p.SAPub, pub, 0o600); err != nil {
			return nil, err
		}
	}
	if !exists(p.TokenFile) {
		secret := make([]byte, 24)
		if _, err := rand.Read(secret); err != nil {
			return nil, err
		}
		// The static token file's columns: token, user name, uid, "groups".
		line := fmt.Sprintf("%s,%s,%s,\"%s\"\n", hex.EncodeToString(secret), restrictedUser, restrictedUser, restrictedGroup)
		if err := os.WriteFile(p.TokenFile, []byte(line), 0o600); err != nil {
			return nil, err
		}
	}
	tokens, err := os.ReadFile(p.TokenFile)
	if err != nil {
		return nil, err
	}
	token, _, found := strings.Cut(string(tokens), ",")
	if !found || token == "" {
		return nil, fmt.Errorf("%s does not start with the restricted user's token", p.TokenFile)
	}
	p.RestrictedToken = token
	return p, nil
}

func newKey() (*ecdsa.PrivateKey, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

// issue signs a certificate for template with the CA, valid for a year (a test cluster outlives no such span).
func issue(ca *x509.Certificate, caKey crypto.Signer, certPath, keyPath string, template x509.Certificate) error {
	key, err := newKey()
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return err
	}
	template.SerialNumber = serial
	template.NotBefore = time.Now().Add(-time.Hour)
	template.NotAfter = time.Now().Add(365 * 24 * time.Hour)
	template.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	der, err := x509.CreateCertificate(rand.Reader, &template, ca, key.Public(), caKey)
	if err != nil {
		return err
	}
	issued, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	return writeCertAndKey(certPath, keyPath, issued, key)
}

func writeCertAndKey(certPath, keyPath string, c *x509.Certificate, key crypto.Signer) error {
	if err := writeKey(keyPath, key); err != nil {
		return err
	}
	return os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o600)
}

func writeKey(path string, key crypto.Signer) error {
	encoded, err := keyutil.MarshalPrivateKeyToPEM(key)
	if err != nil {
		return err
	}
	return os.WriteFile(path, encoded, 0o600)
}

func readCertAndKey(certPath, keyPath string) (*x509.Certificate, crypto.Signer, error) {
	certs, err := cert.CertsFromFile(certPath)
	if err != nil {
		return nil, nil, err
	}
	key, err := keyutil.PrivateKeyFromFile(keyPath)
	if err != nil {
		return nil, nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("%s holds no signing key", keyPath)
	}
	return certs[0], signer, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
