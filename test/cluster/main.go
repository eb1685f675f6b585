// Command test-cluster runs a small real Kubernetes cluster in one process for Driftless' tests, bench and demo:
// an embedded etcd, kube-apiserver on 127.0.0.1 (HTTPS, throwaway CA, Node,RBAC authorization),
// kube-controller-manager, kube-scheduler and simulated nodes whose pods become Running and Ready.
//
// It writes a kubeconfig (contexts driftless-admin, current, and driftless-restricted), prints one JSON line on
// stdout once everything is up, logs to stderr, and stops on SIGINT or SIGTERM (or, with --stop-on-stdin-eof, when
// its parent goes away), removing its data unless --state names a directory to keep it in.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"google.golang.org/grpc/grpclog"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/component-base/version"
	"k8s.io/klog/v2"
)

// nodeCount simulated nodes: enough for spreading and PodDisruptionBudgets to mean something.
const nodeCount = 3

// readyLine is what the program prints on stdout once the cluster is usable (one line of JSON).
type readyLine struct {
	Ready             bool   `json:"ready"`
	Kubeconfig        string `json:"kubeconfig"`
	Server            string `json:"server"`
	AdminContext      string `json:"adminContext"`
	RestrictedContext string `json:"restrictedContext"`
	KubernetesVersion string `json:"kubernetesVersion"`
	State             string `json:"state,omitempty"`
	Pid               int    `json:"pid"`
}

func main() {
	kubeconfigPath := flag.String("kubeconfig", "", "where to write the kubeconfig (required)")
	port := flag.Int("port", 0, "the API server's port on 127.0.0.1 (default: a free one)")
	state := flag.String("state", "", "keep etcd's data and the credentials in this directory between runs (default: a temporary directory, removed at exit)")
	stopOnEOF := flag.Bool("stop-on-stdin-eof", false, "stop when standard input closes (a parent that dies takes the cluster along)")
	klog.InitFlags(flag.CommandLine)
	flag.Parse()
	// kube-apiserver's etcd client logs gRPC warnings through klog (one per dial it cancels, dozens at each start);
	// only gRPC's errors are worth reading here.
	grpclog.SetLoggerV2(grpclog.NewLoggerV2(io.Discard, io.Discard, os.Stderr))
	if *kubeconfigPath == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: test-cluster --kubeconfig FILE [--port N] [--state DIR] [--stop-on-stdin-eof] [-v N]")
		os.Exit(2)
	}
	if err := run(*kubeconfigPath, *port, *state, *stopOnEOF); err != nil {
		fmt.Fprintf(os.Stderr, "test-cluster: %v\n", err)
		os.Exit(1)
	}
}

func run(kubeconfigPath string, port int, state string, stopOnEOF bool) (err error) {
	kubeconfigPath, err = filepath.Abs(kubeconfigPath)
	if err != nil {
		return err
	}
	if err := checkKubeconfigPath(kubeconfigPath); err != nil {
		return err
	}
	dir := state
	if dir == "" {
		if dir, err = os.MkdirTemp("", "driftless-cluster-"); err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(dir) }()
	} else if dir, err = filepath.Abs(dir); err != nil {
		return err
	}

	ctx, stop := stopContext(stopOnEOF)
	defer stop()

	credentials, err := loadOrCreatePKI(filepath.Join(dir, "pki"))
	if err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	etcd, etcdURL, err := startEtcd(filepath.Join(dir, "etcd"))
	if err != nil {
		return fmt.Errorf("etcd: %w", err)
	}
	defer etcd.Close()

	listener, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("the API server's port: %w", err)
	}
	server := "https://" + listener.Addr().String()

	// The components stop when componentsCtx ends; they are waited for before etcd goes.
	componentsCtx, stopComponents := context.WithCancel(ctx)
	var running []<-chan error
	defer func() {
		stopComponents()
		waitStopped(running, 20*time.Second)
	}()

	apiserverDone, err := startAPIServer(componentsCtx, listener, []string{
		"--etcd-servers=" + etcdURL,
		"--advertise-address=127.0.0.1",
		"--tls-cert-file=" + credentials.ServingCert,
		"--tls-private-key-file=" + credentials.ServingK,
		"--client-ca-file=" + credentials.CACert,
		"--token-auth-file=" + credentials.TokenFile,
		"--authorization-mode=Node,RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + credentials.SAPub,
		"--service-account-signing-key-file=" + credentials.SAKey,
		"--service-cluster-ip-range=" + serviceCIDR,
		// The "kubernetes" Service's endpoints would be 127.0.0.1, which Endpoints validation rejects; no pod here
		// dials the API server through it anyway.
		"--endpoint-reconciler-type=none",
		"--kubelet-preferred-address-types=InternalIP",
		"--allow-privileged=true",
		"--profiling=false",
	})
	if err != nil {
		return fmt.Errorf("kube-apiserver: %w", err)
	}
	running = append(running, apiserverDone)

	config, err := kubeconfig(server, credentials)
	if err != nil {
		return err
	}
	adminConfig, err := clientcmd.NewNonInteractiveClientConfig(*config, adminContext, nil, nil).ClientConfig()
	if err != nil {
		return err
	}
	if err := waitReady(ctx, adminConfig, apiserverDone); err != nil {
		return fmt.Errorf("kube-apiserver: %w", err)
	}

	// The controller manager and the scheduler read the admin's credentials from a file of their own.
	componentsKubeconfig := filepath.Join(dir, "components.kubeconfig")
	if err := writeKubeconfig(config, componentsKubeconfig); err != nil {
		return err
	}
	controllerManagerDone, err := startControllerManager(componentsCtx, []string{
		"--kubeconfig=" + componentsKubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
		"--service-account-private-key-file=" + credentials.SAKey,
		"--root-ca-file=" + credentials.CACert,
		"--cluster-signing-cert-file=" + credentials.CACert,
		"--cluster-signing-key-file=" + credentials.CAKey,
	})
	if err != nil {
		return fmt.Errorf("kube-controller-manager: %w", err)
	}
	running = append(running, controllerManagerDone)
	schedulerDone, err := startScheduler(componentsCtx, []string{
		"--kubeconfig=" + componentsKubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
	})
	if err != nil {
		return fmt.Errorf("kube-scheduler: %w", err)
	}
	running = append(running, schedulerDone)

	client, err := kubernetes.NewForConfig(adminConfig)
	if err != nil {
		return err
	}
	// The simulated nodes report pod and node status as kubelets do, and under their name.
	kubeletConfig := rest.CopyConfig(adminConfig)
	kubeletConfig.UserAgent = userAgentOf("kubelet")
	kubeletClient, err := kubernetes.NewForConfig(kubeletConfig)
	if err != nil {
		return err
	}
	if err := installBootstrap(ctx, adminConfig); err != nil {
		return fmt.Errorf("installing CRDs and RBAC: %w", err)
	}
	if err := runNodes(componentsCtx, kubeletClient, nodeCount); err != nil {
		return fmt.Errorf("simulated nodes: %w", err)
	}
	if err := waitNodesReady(ctx, client, nodeCount); err != nil {
		return fmt.Errorf("simulated nodes not Ready: %w", err)
	}
	if err := waitServiceAccounts(ctx, client, "default", "team-a"); err != nil {
		return err
	}

	if err := writeKubeconfig(config, kubeconfigPath); err != nil {
		return fmt.Errorf("writing the kubeconfig: %w", err)
	}
	announced := readyLine{Ready: true, Kubeconfig: kubeconfigPath, Server: server, AdminContext: adminContext,
		RestrictedContext: restrictedContext, KubernetesVersion: kubernetesVersion(), Pid: os.Getpid()}
	if state != "" {
		announced.State = dir
	}
	line, _ := json.Marshal(announced)
	fmt.Println(string(line))

	select {
	case <-ctx.Done():
		klog.InfoS("stopping")
		return nil
	case err := <-apiserverDone:
		return fmt.Errorf("kube-apiserver stopped: %v", err)
	case err := <-controllerManagerDone:
		return fmt.Errorf("kube-controller-manager stopped: %v", err)
	case err := <-schedulerDone:
		return fmt.Errorf("kube-scheduler stopped: %v", err)
	}
}

// stopContext ends on SIGINT or SIGTERM (a second one exits at once) and, if asked, when stdin closes.
func stopContext(stopOnEOF bool) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-signals
		cancel()
		<-signals
		fmt.Fprintln(os.Stderr, "test-cluster: second signal, exiting without cleanup")
		os.Exit(1)
	}()
	if stopOnEOF {
		go func() {
			_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
			cancel()
		}()
	}
	return ctx, func() { signal.Stop(signals); cancel() }
}

// waitReady polls /readyz with the admin's credentials until it answers ok, the server fails, or a minute passes.
func waitReady(ctx context.Context, config *rest.Config, done <-chan error) error {
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return err
	}
	return wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		select {
		case err := <-done:
			return false, fmt.Errorf("stopped while starting: %v", err)
		default:
		}
		status := 0
		client.CoreV1().RESTClient().Get().AbsPath("/readyz").Do(ctx).StatusCode(&status)
		return status == 200, nil
	})
}

// waitStopped gives the components time to stop; the API server drains its requests first.
func waitStopped(running []<-chan error, timeout time.Duration) {
	deadline := time.After(timeout)
	for _, done := range running {
		select {
		case err := <-done:
			// Most components report their cancellation as an error ("finished without leader elect").
			if err != nil && !errors.Is(err, context.Canceled) {
				klog.V(1).InfoS("a component stopped", "result", err.Error())
			}
		case <-deadline:
			klog.InfoS("components still stopping; leaving them")
			return
		}
	}
}

// kubernetesVersion is the release built in (set with -ldflags -X by the build script; see docs/test-cluster.md).
func kubernetesVersion() string { return version.Get().GitVersion }
