// Web links for commits, derived from a Git repository URL.

/**
 * The web address of repository `repoURL` ("https://github.com/org/repo") for https, http, ssh:// and
 * scp-style ("git@host:org/repo.git") URLs; credentials, ports of ssh URLs and ".git" are dropped. Null for
 * anything else (file paths, git://), so the caller shows plain text.
 */
export function repositoryWebURL(repoURL) {
  if (!repoURL) return null;
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(repoURL);
  if (scp) return clean(`https://${scp[1]}/${scp[2]}`);
  let url;
  try {
    url = new URL(repoURL);
  } catch {
    return null;
  }
  if (url.protocol === "ssh:") return clean(`https://${url.hostname}${url.pathname}`);
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  return clean(`${url.protocol}//${url.host}${url.pathname}`);
}

function clean(address) {
  const trimmed = address.replace(/\/+$/, "").replace(/\.git$/, "");
  return /^https?:\/\/[^/]+\/.+/.test(trimmed) ? trimmed : null;
}

/** The web address of commit `sha` in `repoURL` (Bitbucket's "/commits/", "/commit/" elsewhere), or null. */
export function commitURL(repoURL, sha) {
  const web = repositoryWebURL(repoURL);
  if (!web || !/^[0-9a-f]{7,64}$/i.test(sha ?? "")) return null;
  const path = new URL(web).hostname === "bitbucket.org" ? "commits" : "commit";
  return `${web}/${path}/${sha}`;
}
