//go:build !linux

package mailpittest

import "syscall"

// sysProcAttr has no parent-death signal to ask for outside Linux.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{}
}
