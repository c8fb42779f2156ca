// The demo's in-memory posts resource.

export interface Post {
  readonly id: number;
  readonly title: string;
  readonly author: string;
}

/** Posts held in memory for as long as the API runs. */
export class PostStore {
  #posts: Post[];
  #nextId: number;

  constructor(initial: readonly Omit<Post, "id">[] = defaultPosts) {
    this.#posts = initial.map((post, index) => ({ id: index + 1, ...post }));
    this.#nextId = this.#posts.length + 1;
  }

  list(): readonly Post[] {
    return [...this.#posts];
  }

  create(title: string, author: string): Post {
    const post = { id: this.#nextId++, title, author };
    this.#posts.push(post);
    return post;
  }

  /** The updated post, or undefined when there is none with this id. */
  update(id: number, title: string): Post | undefined {
    const index = this.#posts.findIndex((post) => post.id === id);
    if (index < 0) return undefined;
    const updated = { ...this.#posts[index]!, title };
    this.#posts[index] = updated;
    return updated;
  }

  /** True when a post was deleted. */
  delete(id: number): boolean {
    const before = this.#posts.length;
    this.#posts = this.#posts.filter((post) => post.id !== id);
    return this.#posts.length < before;
  }
}

const defaultPosts: readonly Omit<Post, "id">[] = [
  { title: "A preflight nobody wrote", author: "crossgate" },
  { title: "Cookies need credentials: 'include' and Allow-Credentials", author: "crossgate" },
];

/** A title the API accepts: a non-empty string of at most 200 characters, trimmed. */
export function validTitle(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const title = value.trim();
  return title !== "" && title.length <= 200 ? title : undefined;
}
