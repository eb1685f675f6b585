// Simulated nodes: no kubelet can run here, so this registers Nodes, keeps them Ready (node Leases, as a kubelet
// renews them) and does what a kubelet reports for the pods scheduled on them: Running and Ready with a pod IP, and
// gone once deleted. Nothing runs: the IPs are data, no traffic goes to them.
//
// kwok (sigs.k8s.io/kwok) does this, but no release of it is built against Kubernetes 1.35 (v0.7.0 takes the 0.33
// modules, v0.8.0 the 0.36 ones), and one binary can hold only one release of the k8s.io modules.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/retry"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
)

const (
	// The address every simulated node reports: the API server dials nodes only for logs, exec and port-forward,
	// and on loopback those fail at once (nothing listens) instead of going off the machine.
	nodeIP = "127.0.0.1"
	// A kubelet renews its Lease every 10s; the node lifecycle controller marks a node NotReady 50s after the last.
	leaseDuration = 40
	leaseRenewal  = 10 * time.Second
	// A kubelet reports its status every 5 minutes when nothing changes; once a minute is cheap and keeps the
	// Ready condition's heartbeat recent for anyone reading it.
	statusRenewal = time.Minute
)

type nodeSimulator struct {
	client kubernetes.Interface
	names  []string
	// index of each node, which picks its pod CIDR.
	index map[string]int
	queue workqueue.TypedRateLimitingInterface[cache.ObjectName]
	pods  cache.Indexer

	mu       sync.Mutex
	nextHost map[string]int
}

// runNodes registers count nodes and simulates them until ctx ends; it returns once they are registered.
func runNodes(ctx context.Context, client kubernetes.Interface, count int) error {
	s := &nodeSimulator{client: client, index: map[string]int{}, nextHost: map[string]int{}}
	for i := 0; i < count; i++ {
		name := fmt.Sprintf("driftless-node-%d", i+1)
		s.names = append(s.names, name)
		s.index[name] = i
	}
	for _, name := range s.names {
		if err := s.register(ctx, name); err != nil {
			return fmt.Errorf("registering node %s: %w", name, err)
		}
		if err := s.renewLease(ctx, name); err != nil {
			return fmt.Errorf("node %s's lease: %w", name, err)
		}
	}
	go wait.UntilWithContext(ctx, func(ctx context.Context) {
		for _, name := range s.names {
			if err := s.renewLease(ctx, name); err != nil && ctx.Err() == nil {
				klog.ErrorS(err, "renewing the lease of a simulated node", "node", name)
			}
		}
	}, leaseRenewal)
	go wait.UntilWithContext(ctx, func(ctx context.Context) {
		for _, name := range s.names {
			if err := s.reportStatus(ctx, name); err != nil && ctx.Err() == nil {
				klog.ErrorS(err, "reporting the status of a simulated node", "node", name)
			}
		}
	}, statusRenewal)
	s.watchPods(ctx)
	return nil
}

func (s *nodeSimulator) register(ctx context.Context, name string) error {
	i := s.index[name]
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{
			"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
			"driftless.dev/simulated-node": "true",
		}},
		Spec: corev1.NodeSpec{PodCIDR: s.podCIDR(i), PodCIDRs: []string{s.podCIDR(i)}},
	}
	_, err := s.client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return s.reportStatus(ctx, name)
}

// reportStatus writes what a healthy kubelet reports: capacity, addresses, Ready and no pressure. The node lifecycle
// controller writes the same Node (taints, labels), hence the retries on conflict.
func (s *nodeSimulator) reportStatus(ctx context.Context, name string) error {
	return retry.RetryOnConflict(retry.DefaultBackoff, func() error { return s.writeStatus(ctx, name) })
}

func (s *nodeSimulator) writeStatus(ctx context.Context, name string) error {
	node, err := s.client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	now := metav1.Now()
	// Room for the bench's thousands of objects; a kubelet's default is 110 pods.
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse("16"),
		corev1.ResourceMemory:           resource.MustParse("64Gi"),
		corev1.ResourcePods:             resource.MustParse("500"),
		corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
	}
	condition := func(kind corev1.NodeConditionType, status corev1.ConditionStatus, reason, message string) corev1.NodeCondition {
		transition := now
		for _, old := range node.Status.Conditions {
			if old.Type == kind && old.Status == status {
				transition = old.LastTransitionTime
			}
		}
		return corev1.NodeCondition{Type: kind, Status: status, Reason: reason, Message: message,
			LastHeartbeatTime: now, LastTransitionTime: transition}
	}
	node.Status = corev1.NodeStatus{
		Capacity:    capacity,
		Allocatable: capacity,
		Phase:       corev1.NodeRunning,
		Conditions: []corev1.NodeCondition{
			condition(corev1.NodeMemoryPressure, corev1.ConditionFalse, "KubeletHasSufficientMemory", "simulated"),
			condition(corev1.NodeDiskPressure, corev1.ConditionFalse, "KubeletHasNoDiskPressure", "simulated"),
			condition(corev1.NodePIDPressure, corev1.ConditionFalse, "KubeletHasSufficientPID", "simulated"),
			condition(corev1.NodeReady, corev1.ConditionTrue, "KubeletReady", "simulated node (driftless test cluster)"),
		},
		Addresses: []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: nodeIP},
			{Type: corev1.NodeHostName, Address: name},
		},
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 10250}},
		NodeInfo: corev1.NodeSystemInfo{
			MachineID: name, SystemUUID: name, BootID: name,
			KernelVersion: "simulated", OSImage: "driftless simulated node",
			ContainerRuntimeVersion: "simulated://1", KubeletVersion: kubernetesVersion(), KubeProxyVersion: "",
			OperatingSystem: "linux", Architecture: "amd64",
		},
	}
	_, err = s.client.CoreV1().Nodes().UpdateStatus(ctx, node, metav1.UpdateOptions{})
	return err
}

func (s *nodeSimulator) renewLease(ctx context.Context, name string) error {
	leases := s.client.CoordinationV1().Leases(corev1.NamespaceNodeLease)
	now := metav1.NewMicroTime(time.Now())
	lease, err := leases.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		node, err := s.client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		// Owned by its Node, as a kubelet's is, so deleting the Node collects it.
		lease = &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: corev1.NamespaceNodeLease,
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: name, UID: node.UID}}},
			Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To(name), LeaseDurationSeconds: ptr.To[int32](leaseDuration),
				RenewTime: &now},
		}
		_, err = leases.Create(ctx, lease, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	lease.Spec.RenewTime = &now
	_, err = leases.Update(ctx, lease, metav1.UpdateOptions{})
	return err
}

// watchPods queues every pod bound to a simulated node and works the queue until ctx ends.
func (s *nodeSimulator) watchPods(ctx context.Context) {
	factory := informers.NewSharedInformerFactoryWithOptions(s.client, 0,
		informers.WithTweakListOptions(func(options *metav1.ListOptions) { options.FieldSelector = "spec.nodeName!=" }))
	informer := factory.Core().V1().Pods().Informer()
	s.pods = informer.GetIndexer()
	s.queue = workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[cache.ObjectName]())
	enqueue := func(obj interface{}) {
		if name, err := cache.DeletionHandlingObjectToName(obj); err == nil {
			s.queue.Add(name)
		}
	}
	_, _ = informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj interface{}) { enqueue(obj) },
	})
	factory.Start(ctx.Done())
	go func() {
		<-ctx.Done()
		s.queue.ShutDown()
	}()
	// Two workers: status writes are quick, and a rollout of many pods should not wait in line.
	for i := 0; i < 2; i++ {
		go func() {
			for s.processNext(ctx) {
			}
		}()
	}
}

func (s *nodeSimulator) processNext(ctx context.Context) bool {
	name, quit := s.queue.Get()
	if quit {
		return false
	}
	defer s.queue.Done(name)
	if err := s.sync(ctx, name); err != nil && ctx.Err() == nil {
		if !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
			klog.ErrorS(err, "simulating a pod", "pod", name.String())
		}
		s.queue.AddRateLimited(name)
		return true
	}
	s.queue.Forget(name)
	return true
}

// sync brings one pod where a kubelet would: deleted once its deletion was asked for, else Running and Ready.
func (s *nodeSimulator) sync(ctx context.Context, name cache.ObjectName) error {
	obj, exists, err := s.pods.GetByKey(name.String())
	if err != nil || !exists {
		return err
	}
	pod := obj.(*corev1.Pod)
	if _, ours := s.index[pod.Spec.NodeName]; !ours {
		return nil
	}
	pods := s.client.CoreV1().Pods(pod.Namespace)
	if pod.DeletionTimestamp != nil {
		// The containers "stopped" at once; the UID precondition spares a pod recreated under the same name.
		err := pods.Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0),
			Preconditions: metav1.NewUIDPreconditions(string(pod.UID))})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			return nil
		}
		return err
	}
	if pod.Status.Phase == corev1.PodRunning && podReady(pod) {
		return nil
	}
	running := pod.DeepCopy()
	s.markRunning(running)
	_, err = pods.UpdateStatus(ctx, running, metav1.UpdateOptions{})
	return err
}

func podReady(pod *corev1.Pod) bool {
	for _, condition := range pod.Status.Conditions {
		if condition.Type == corev1.PodReady {
			return condition.Status == corev1.ConditionTrue
		}
	}
	return false
}

// markRunning fills in the status a kubelet reports for a pod whose containers all started and pass their probes.
func (s *nodeSimulator) markRunning(pod *corev1.Pod) {
	now := metav1.Now()
	status := &pod.Status
	status.Phase = corev1.PodRunning
	status.HostIP, status.HostIPs = nodeIP, []corev1.HostIP{{IP: nodeIP}}
	if status.PodIP == "" {
		ip := nodeIP
		if !pod.Spec.HostNetwork {
			ip = s.allocatePodIP(pod.Spec.NodeName)
		}
		status.PodIP, status.PodIPs = ip, []corev1.PodIP{{IP: ip}}
	}
	if status.StartTime == nil {
		status.StartTime = &now
	}
	for _, kind := range []corev1.PodConditionType{corev1.PodReadyToStartContainers, corev1.PodInitialized,
		corev1.ContainersReady, corev1.PodReady, corev1.PodScheduled} {
		setPodCondition(status, kind, now)
	}
	status.InitContainerStatuses = nil
	for _, c := range pod.Spec.InitContainers {
		st := containerStatus(pod, c, now)
		// Init containers ran to completion, except sidecars (restartPolicy Always), which keep running.
		if c.RestartPolicy == nil || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways {
			st.Ready, st.Started = false, ptr.To(false)
			st.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0,
				Reason: "Completed", StartedAt: now, FinishedAt: now, ContainerID: st.ContainerID}}
		}
		status.InitContainerStatuses = append(status.InitContainerStatuses, st)
	}
	status.ContainerStatuses = nil
	for _, c := range pod.Spec.Containers {
		status.ContainerStatuses = append(status.ContainerStatuses, containerStatus(pod, c, now))
	}
}

func setPodCondition(status *corev1.PodStatus, kind corev1.PodConditionType, now metav1.Time) {
	for i := range status.Conditions {
		if status.Conditions[i].Type == kind {
			if status.Conditions[i].Status != corev1.ConditionTrue {
				status.Conditions[i].Status, status.Conditions[i].LastTransitionTime = corev1.ConditionTrue, now
				status.Conditions[i].Reason, status.Conditions[i].Message = "", ""
			}
			return
		}
	}
	status.Conditions = append(status.Conditions, corev1.PodCondition{Type: kind, Status: corev1.ConditionTrue,
		LastTransitionTime: now})
}

func containerStatus(pod *corev1.Pod, c corev1.Container, now metav1.Time) corev1.ContainerStatus {
	id := sha256.Sum256([]byte(string(pod.UID) + "/" + c.Name))
	return corev1.ContainerStatus{
		Name: c.Name, Image: c.Image, ImageID: "simulated://" + c.Image,
		ContainerID: "simulated://" + hex.EncodeToString(id[:]),
		Ready:       true, Started: ptr.To(true),
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: now}},
	}
}

// podCIDR gives node i the range 10.(200+i).0.0/16 (data only: nothing is routed).
func (s *nodeSimulator) podCIDR(i int) string { return fmt.Sprintf("10.%d.0.0/16", 200+i) }

// allocatePodIP hands out the node's addresses in turn (65,000 before one repeats).
func (s *nodeSimulator) allocatePodIP(node string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	host := s.nextHost[node]%65000 + 2
	s.nextHost[node]++
	return fmt.Sprintf("10.%d.%d.%d", 200+s.index[node], host/256, host%256)
}

// waitNodesReady waits until the API server lists count Ready simulated nodes (which the node lifecycle controller
// has not tainted).
func waitNodesReady(ctx context.Context, client kubernetes.Interface, count int) error {
	return wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: "driftless.dev/simulated-node=true"})
		if err != nil {
			return false, nil
		}
		ready := 0
		for _, node := range nodes.Items {
			for _, condition := range node.Status.Conditions {
				if condition.Type == corev1.NodeReady && condition.Status == corev1.ConditionTrue && len(node.Spec.Taints) == 0 {
					ready++
				}
			}
		}
		return ready >= count, nil
	})
}
