// The control plane: kube-apiserver, kube-controller-manager and kube-scheduler from k8s.io/kubernetes, each built
// from its own command-line flags (as their binaries take them) and run in this process until ctx ends.
package main

import (
	"context"
	"fmt"
	"net"

	"github.com/spf13/pflag"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	cliflag "k8s.io/component-base/cli/flag"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	apiserveroptions "k8s.io/kubernetes/cmd/kube-apiserver/app/options"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	controllermanageroptions "k8s.io/kubernetes/cmd/kube-controller-manager/app/options"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	scheduleroptions "k8s.io/kubernetes/cmd/kube-scheduler/app/options"
)

// The commands' own cobra wrappers are not used: kube-apiserver's installs a process-wide signal handler that may be
// set up only once, and each would reconfigure the process's logging. Their bodies are what follows. Each start
// function returns a channel that yields the component's result when it stops and is then closed, so that both the
// main loop and the shutdown can read it.

// parseFlags parses args into the components' option structs, through their own flag sets.
func parseFlags(name string, sets cliflag.NamedFlagSets, args []string) error {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	for _, set := range sets.FlagSets {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// startAPIServer serves on listener (already bound, so the port is known before the server starts).
func startAPIServer(ctx context.Context, listener net.Listener, args []string) (<-chan error, error) {
	s := apiserveroptions.NewServerRunOptions()
	if err := parseFlags("kube-apiserver", s.Flags(), args); err != nil {
		return nil, err
	}
	s.SecureServing.Listener = listener
	s.SecureServing.BindPort = listener.Addr().(*net.TCPAddr).Port
	// The feature gates and emulated version the three components share (one registry per process).
	if err := s.GenericServerRunOptions.ComponentGlobalsRegistry.Set(); err != nil {
		return nil, err
	}
	completed, err := s.Complete(ctx)
	if err != nil {
		return nil, err
	}
	if errs := completed.Validate(); len(errs) != 0 {
		return nil, utilerrors.NewAggregate(errs)
	}
	config, err := apiserver.NewConfig(completed)
	if err != nil {
		return nil, err
	}
	completedConfig, err := config.Complete()
	if err != nil {
		return nil, err
	}
	chain, err := apiserver.CreateServerChain(completedConfig)
	if err != nil {
		return nil, err
	}
	prepared, err := chain.PrepareRun()
	if err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- prepared.Run(ctx); close(done) }()
	return done, nil
}

func startControllerManager(ctx context.Context, args []string) (<-chan error, error) {
	s, err := controllermanageroptions.NewKubeControllerManagerOptions()
	if err != nil {
		return nil, err
	}
	all, disabled, aliases := controllermanager.KnownControllers(), controllermanager.ControllersDisabledByDefault(),
		controllermanager.ControllerAliases()
	sets := s.Flags(all, disabled, aliases)
	if err := parseFlags("kube-controller-manager", sets, args); err != nil {
		return nil, err
	}
	s.ParsedFlags = &sets
	config, err := s.Config(ctx, all, disabled, aliases)
	if err != nil {
		return nil, err
	}
	// The controllers' clients are made from this config when they start: their updates are kube-controller-manager's.
	componentUserAgent(config.Kubeconfig, "kube-controller-manager")
	done := make(chan error, 1)
	go func() { done <- controllermanager.Run(ctx, config.Complete()); close(done) }()
	return done, nil
}

func startScheduler(ctx context.Context, args []string) (<-chan error, error) {
	opts := scheduleroptions.NewOptions()
	if err := parseFlags("kube-scheduler", *opts.Flags, args); err != nil {
		return nil, err
	}
	config, sched, err := scheduler.Setup(ctx, opts)
	if err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- scheduler.Run(ctx, config, sched); close(done) }()
	return done, nil
}
