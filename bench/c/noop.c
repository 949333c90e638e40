/* The program forkexec runs: a static binary that exits at once. */
int main(void)
{
	return 0;
}
