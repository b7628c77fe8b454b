import type { AppRouter } from '@auditlog/api';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startTheme } from './theme';
import { makeTrpcClient, TRPCProvider } from './trpc';
import './styles.css';

function makeClients() {
  const trpcClient = makeTrpcClient();
  const queryClient: QueryClient = new QueryClient({
    defaultOptions: { queries: { staleTime: 5_000, retry: false } },
    // A session that ends mid-use (expired, signed out elsewhere, account disabled)
    // sends the person back to the sign-in page.
    queryCache: new QueryCache({
      onError: (error) => {
        if (error instanceof TRPCClientError && error.data?.code === 'UNAUTHORIZED') {
          queryClient.setQueryData(trpc.auth.me.queryKey(), null);
        }
      },
    }),
  });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
  return { queryClient, trpcClient };
}

function Root() {
  const [{ queryClient, trpcClient }] = useState(makeClients);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <App />
      </TRPCProvider>
    </QueryClientProvider>
  );
}

startTheme();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
