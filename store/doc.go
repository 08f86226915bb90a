// Package store holds implementations of credit.Store.
//
// [Memory] is the embedded default: no setup, safe for concurrent use, the
// reference that tests and examples start from. The PostgreSQL store lives in
// store/postgres. A store of your own implements credit.Store and is proven
// with storetest.Run.
package store
