// gen.go - writes the reference bbolt files in tests/data/bbolt/ with the
// real bbolt engine (Debian golang-github-coreos-bbolt-dev 1.3.6), plus a
// listing of every bucket/key/value made by bbolt's own cursor, so that
// tests/unit/test_bbolt.c checks our reader against the engine, not against
// our own python writer.  Rebuild (offline):
//   mkdir -p /tmp/g/src/gen && cp gen.go /tmp/g/src/gen/main.go &&
//   GO111MODULE=off GOPATH=/usr/share/gocode:/tmp/g go build -o /tmp/g/gen gen
//   /tmp/g/gen ref4k.db 4096 > ref4k.txt; /tmp/g/gen ref1k.db 1024 > ref1k.txt
//   gzip -9n ref4k.db ref1k.db
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func val(i int) []byte {
	return []byte(strings.Repeat(fmt.Sprintf("v%d.", i), 1+i%7))
}

func dump(b *bolt.Bucket, path string) {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil {
			fmt.Printf("%s\t%x\tB\n", path, k)
			dump(b.Bucket(k), path+"/"+fmt.Sprintf("%x", k))
			continue
		}
		fmt.Printf("%s\t%x\tV\t%d\t%x\n", path, k, len(v), sha256.Sum256(v))
	}
}

func main() {
	ps, _ := strconv.Atoi(os.Args[2])
	os.Remove(os.Args[1])
	db, err := bolt.Open(os.Args[1], 0600, &bolt.Options{PageSize: ps})
	must(err)
	must(db.Update(func(tx *bolt.Tx) error {
		v, _ := tx.CreateBucket([]byte("volumes"))
		v.Put([]byte("data1"), []byte(`{"Name":"data1","Driver":"local","Labels":{"team":"red"},"Options":null}`))
		v.Put([]byte("nfsvol"), []byte(`{"Name":"nfsvol","Driver":"local","Labels":null,"Options":{"device":":/export","o":"addr=10.0.0.5,rw","type":"nfs"}}`))
		in, _ := tx.CreateBucket([]byte("inline"))
		in.Put([]byte("x"), []byte("1"))
		in.Put([]byte("y"), []byte(""))
		big, _ := tx.CreateBucket([]byte("big"))
		for i := 0; i < 400; i++ {
			big.Put([]byte(fmt.Sprintf("key%04d", i)), val(i))
		}
		big.Put([]byte("overflow"), []byte(strings.Repeat("0123456789abcdef", 700)))
		n, _ := tx.CreateBucket([]byte("nested"))
		n.Put([]byte("a"), []byte("A"))
		c, _ := n.CreateBucket([]byte("child"))
		c.Put([]byte("k"), []byte("v"))
		d, _ := c.CreateBucket([]byte("deeper"))
		d.Put([]byte("z"), []byte{0, 1, 2, 0xff})
		tx.CreateBucket([]byte("empty"))
		return nil
	}))
	// A second transaction deletes keys: copy-on-write leaves the old
	// pages (still holding them) on the freelist.
	must(db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("volumes"))
		b.Put([]byte("deleted-secret"), []byte(`{"Name":"deleted-secret","Driver":"local"}`))
		return nil
	}))
	must(db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("volumes"))
		b.Delete([]byte("deleted-secret"))
		big := tx.Bucket([]byte("big"))
		for i := 0; i < 400; i += 3 {
			big.Delete([]byte(fmt.Sprintf("key%04d", i)))
		}
		return nil
	}))
	must(db.View(func(tx *bolt.Tx) error {
		fmt.Printf("# pagesize %d txid %d\n", ps, tx.ID())
		c := tx.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			fmt.Printf("\t%x\tB\n", k)
			dump(tx.Bucket(k), fmt.Sprintf("%x", k))
		}
		return nil
	}))
	must(db.Close())
}
