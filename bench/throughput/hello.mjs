/** The hello-world app of the throughput benchmark: the least a request listener can do. */
export default function hello(_req, res) {
  res.end('hello world');
}
