"""PCA on the sparse centred matrix agrees with numpy's SVD of the mean-imputed dense one."""

import numpy as np

from veche.deliberation.engine import Votes, pca


def small_votes(seed: int = 3) -> Votes:
    rng = np.random.default_rng(seed)
    n_p, n_s = 40, 12
    mask = rng.random((n_p, n_s)) < 0.6
    r, c = np.nonzero(mask)
    values = rng.choice([-1, 0, 1], size=len(r), p=[0.4, 0.2, 0.4])
    return Votes.from_arrays(r, c, values)


def dense_imputed(votes: Votes) -> np.ndarray:
    n_p, n_s = votes.shape
    m = np.full((n_p, n_s), np.nan)
    m[votes.rows, votes.cols] = votes.values
    means = np.nanmean(m, axis=0)
    return np.where(np.isnan(m), means[None, :], m)


def test_components_are_the_top_two_right_singular_vectors_of_the_mean_imputed_matrix():
    votes = small_votes()
    dense = dense_imputed(votes)
    centred = dense - dense.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)

    x = pca.centre(votes)
    comps, _ = pca.components(x)

    assert np.allclose(x.center, dense.mean(axis=0))
    for i in range(2):
        assert abs(abs(float(np.dot(comps[i], vt[i]))) - 1.0) < 1e-6


def test_sparse_products_equal_the_dense_ones():
    votes = small_votes(5)
    centred = dense_imputed(votes)
    centred = centred - centred.mean(axis=0)
    x = pca.centre(votes)
    v = np.random.default_rng(0).standard_normal((votes.shape[1], 3))
    u = np.random.default_rng(1).standard_normal((votes.shape[0], 3))

    assert np.allclose(pca.times(x, v), centred @ v)
    assert np.allclose(pca.transposed_times(x, u), centred.T @ u)


def test_projection_is_scaled_by_the_root_of_statements_over_votes_cast():
    # Participant 0 voted on all four statements, participant 1 on one of them.
    votes = Votes.from_arrays([0, 0, 0, 0, 1, 2, 2], [0, 1, 2, 3, 0, 1, 2], [1, -1, 1, 0, -1, 1, -1])
    x = pca.centre(votes)
    comps = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]])

    points = pca.project(x, comps, columns=4)

    mean0 = x.center[0]
    assert np.allclose(points[0], [(1 - mean0) * 1.0, (-1 - x.center[1]) * 1.0])
    assert np.allclose(points[1], [(-1 - mean0) * 2.0, 0.0])  # sqrt(4 / 1)
    # Polis counts moderated-out statements as columns of zeros everyone voted on.
    hidden = pca.project(x, comps, columns=6, hidden_columns=2)
    assert np.allclose(hidden[1], [(-1 - mean0) * np.sqrt(6 / 3), 0.0])


def test_a_warm_start_converges_to_the_same_axes_in_fewer_iterations():
    votes = small_votes(7)
    x = pca.centre(votes)
    cold, cold_iterations = pca.components(x, seed=1)
    warm, warm_iterations = pca.components(x, start=cold, seed=2)

    assert np.allclose(warm, cold, atol=1e-3)
    assert warm_iterations <= cold_iterations
